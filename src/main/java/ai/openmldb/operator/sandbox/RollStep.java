package ai.openmldb.operator.sandbox;

/** One step of a roll as {@code status.upgrade} showed it, with how long it lasted. */
public record RollStep(String component, String pod, String step, double seconds) {}
