package ai.openmldb.operator.openmldb;

/** A tablet as {@code ShowTablet} reports it. */
public record TabletInfo(String endpoint, String state, long age, String realEndpoint) {
  public static final String HEALTHY = "kHealthy";

  public boolean healthy() {
    return HEALTHY.equals(state);
  }
}
