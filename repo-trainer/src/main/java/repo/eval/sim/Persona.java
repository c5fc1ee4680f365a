package repo.eval.sim;

import java.util.Locale;

/**
 * How the simulated hotel revenue manager negotiates.
 * <ul>
 * <li>{@code stubborn}: concedes a quarter of the gap per round, and accepts a price only after the agent has
 *     cited evidence (a competitor or demand figures)</li>
 * <li>{@code flexible}: concedes 60% of the gap per round and accepts any price at or above its floor</li>
 * <li>{@code silent}: busy or silent; says nothing to the first one or two agent turns and to every fourth turn
 *     afterwards, otherwise negotiates like {@code flexible} at half its pace</li>
 * <li>{@code anchoring}: answers the first proposal with a high anchor (a 3% cut), then concedes 35% per round</li>
 * </ul>
 */
public enum Persona {
    STUBBORN(0.25), FLEXIBLE(0.6), SILENT(0.3), ANCHORING(0.35);

    private final double concession;

    Persona(double concession) {
        this.concession = concession;
    }

    /** Share of the gap between the current offer and the floor given up per counter-offer. */
    public double concession() {
        return concession;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Persona parse(String s, String where) {
        for (Persona p : values()) {
            if (p.jsonName().equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException(where + ": unknown persona \"" + s + "\"; expected stubborn, flexible, silent or anchoring");
    }
}
