package ai.openmldb.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How the operator rolls a version change. */
public class UpgradeSpec {
  /** A week: longer timeouts are typos, and would overflow when turned into milliseconds. */
  public static final int MAX_TIMEOUT_SECONDS = 604800;

  @JsonPropertyDescription("Pause the roll between steps; nothing disruptive starts while true.")
  @Default("false")
  private Boolean paused = false;

  @JsonPropertyDescription(
      "Partitions with a single replica: AddTemporaryReplica (default) or AcceptUnavailability.")
  @Default("AddTemporaryReplica")
  private SingleReplicaPolicy singleReplicaPolicy = SingleReplicaPolicy.AddTemporaryReplica;

  @JsonPropertyDescription("How many partition leaders are moved at the same time.")
  @Default("8")
  @Min(1)
  @Max(1024)
  private Integer maxConcurrentLeaderMoves = 8;

  @JsonPropertyDescription("Seconds a restarted pod may take to become ready and register.")
  @Default("600")
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  private Integer podReadyTimeoutSeconds = 600;

  @JsonPropertyDescription("Seconds moving the leaders off (or back onto) one tablet may take.")
  @Default("600")
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  private Integer leaderMoveTimeoutSeconds = 600;

  @JsonPropertyDescription("Seconds a restarted tablet's replicas may take to be alive and caught up.")
  @Default("1800")
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  private Integer catchUpTimeoutSeconds = 1800;

  @JsonPropertyDescription("Allow a version change to an older minor or major version.")
  @Default("false")
  private Boolean allowDowngrade = false;

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public SingleReplicaPolicy getSingleReplicaPolicy() {
    return singleReplicaPolicy;
  }

  public void setSingleReplicaPolicy(SingleReplicaPolicy singleReplicaPolicy) {
    this.singleReplicaPolicy = singleReplicaPolicy;
  }

  public Integer getMaxConcurrentLeaderMoves() {
    return maxConcurrentLeaderMoves;
  }

  public void setMaxConcurrentLeaderMoves(Integer maxConcurrentLeaderMoves) {
    this.maxConcurrentLeaderMoves = maxConcurrentLeaderMoves;
  }

  public Integer getPodReadyTimeoutSeconds() {
    return podReadyTimeoutSeconds;
  }

  public void setPodReadyTimeoutSeconds(Integer podReadyTimeoutSeconds) {
    this.podReadyTimeoutSeconds = podReadyTimeoutSeconds;
  }

  public Integer getLeaderMoveTimeoutSeconds() {
    return leaderMoveTimeoutSeconds;
  }

  public void setLeaderMoveTimeoutSeconds(Integer leaderMoveTimeoutSeconds) {
    this.leaderMoveTimeoutSeconds = leaderMoveTimeoutSeconds;
  }

  public Integer getCatchUpTimeoutSeconds() {
    return catchUpTimeoutSeconds;
  }

  public void setCatchUpTimeoutSeconds(Integer catchUpTimeoutSeconds) {
    this.catchUpTimeoutSeconds = catchUpTimeoutSeconds;
  }

  public Boolean getAllowDowngrade() {
    return allowDowngrade;
  }

  public void setAllowDowngrade(Boolean allowDowngrade) {
    this.allowDowngrade = allowDowngrade;
  }
}
