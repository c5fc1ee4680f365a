package repo.eval.checks;

/** The four skills of the paper's per-skill breakdown; every check counts towards one. */
public enum Skill {
    FLUENCY("fluency"), SOP_COMPLIANCE("sop_compliance"), NEGOTIATION("negotiation_effectiveness"), SCOPE("scope_understanding");

    private final String jsonName;

    Skill(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static Skill parse(String s, String where) {
        for (Skill v : values()) {
            if (v.jsonName.equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException(where + ": unknown skill \"" + s
                + "\"; expected fluency, sop_compliance, negotiation_effectiveness or scope_understanding");
    }
}
