package repo.cli;

/** Entry point of `java -jar repo.jar`; the commands arrive with the foundation work. */
public final class Main {
    public static void main(String[] args) {
        System.err.println("repo: no commands yet");
        System.exit(1);
    }
}
