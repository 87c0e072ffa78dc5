package ai.openmldb.operator.api;

/**
 * One thing wrong with a cluster's spec, phrased for the user.
 *
 * @param field the JSON path of the offending field, e.g. {@code spec.tablet.replicas}
 * @param problem what is wrong with it
 * @param fix what to change
 */
public record SpecProblem(String field, String problem, String fix) {
  /** "spec.tablet.replicas: must be at least 1 (got 0); fix: set it to 1 or more". */
  public String message() {
    return field + ": " + problem + "; fix: " + fix;
  }

  @Override
  public String toString() {
    return message();
  }
}
