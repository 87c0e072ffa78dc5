package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.openmldb.LedgerEntry;
import ai.openmldb.operator.openmldb.OpStatus;
import ai.openmldb.operator.openmldb.TableInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the planner looks at, observed in one pass: the pods (from the informer cache), what
 * ZooKeeper and the nameserver say, the operator's own ledger and recorded intent, the settings
 * and the clock. Built by the reconciler's observer; the planner does no I/O.
 *
 * @param targetVersion spec.version
 * @param currentVersion status.currentVersion (the version the roll starts from), may be null
 * @param desiredReplicas pods each component should have
 * @param pods the pods that exist
 * @param openmldb what OpenMLDB shows, or empty when ZooKeeper or the nameserver cannot be read
 * @param openmldbUnavailable why {@code openmldb} is empty (for the wait message)
 * @param ledger the operator's leader-move ledger
 * @param intent what status.upgrade recorded
 * @param acknowledgedFailedOps op ids the user acknowledged (annotation)
 * @param retryToken the {@code openmldb.ai/retry} annotation value, or null
 */
public record ClusterObservation(
    String targetVersion,
    String currentVersion,
    Map<Component, Integer> desiredReplicas,
    List<PodState> pods,
    Optional<OpenMLDBState> openmldb,
    String openmldbUnavailable,
    LedgerState ledger,
    UpgradeIntent intent,
    Set<Long> acknowledgedFailedOps,
    String retryToken,
    UpgradeSettings settings,
    Instant now) {

  public ClusterObservation {
    desiredReplicas = Map.copyOf(desiredReplicas);
    pods = List.copyOf(pods);
    acknowledgedFailedOps = Set.copyOf(acknowledgedFailedOps);
  }

  /**
   * What OpenMLDB shows.
   *
   * @param nameserverLeader endpoint of the nameserver holding the ZooKeeper lock, if any
   * @param liveTablets endpoints registered under {@code <root>/nodes}
   * @param autoFailover the cluster's current auto-failover setting
   */
  public record OpenMLDBState(
      Optional<String> nameserverLeader,
      Set<String> liveTablets,
      List<TableInfo> tables,
      List<OpStatus> ops,
      boolean autoFailover) {
    public OpenMLDBState {
      liveTablets = Set.copyOf(liveTablets);
      tables = List.copyOf(tables);
      ops = List.copyOf(ops);
    }
  }

  /**
   * The ledger's content.
   *
   * @param originalAutoFailover the setting found before the roll turned it off, if recorded
   * @param entries every tablet's recorded entries
   */
  public record LedgerState(Optional<Boolean> originalAutoFailover, List<LedgerEntry> entries) {
    public LedgerState {
      entries = List.copyOf(entries);
    }

    public static LedgerState empty() {
      return new LedgerState(Optional.empty(), List.of());
    }

    public List<LedgerEntry> entriesOf(String tablet) {
      return entries.stream().filter(e -> e.tablet().equals(tablet)).toList();
    }

    public boolean isEmpty() {
      return originalAutoFailover.isEmpty() && entries.isEmpty();
    }
  }

  public int desired(Component component) {
    return desiredReplicas.getOrDefault(component, 0);
  }

  public List<PodState> pods(Component component) {
    return pods.stream()
        .filter(p -> p.component() == component && p.ordinal() < desired(component))
        .sorted(java.util.Comparator.comparingInt(PodState::ordinal))
        .toList();
  }

  public Optional<PodState> pod(String name) {
    return pods.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
