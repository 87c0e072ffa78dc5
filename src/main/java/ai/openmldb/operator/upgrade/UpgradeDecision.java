package ai.openmldb.operator.upgrade;

import ai.openmldb.operator.openmldb.LedgerEntry;
import java.util.List;

/**
 * The single next thing the roll does, chosen by {@link UpgradePlanner}. The executor records the
 * decision's {@link #position()} in status before acting, performs it, and reschedules.
 */
public sealed interface UpgradeDecision {

  /** Where the roll is while this decision is carried out. */
  Position position();

  /** Starts nothing new while the roll is paused. */
  default boolean disruptive() {
    return false;
  }

  /** One line for logs, events and status. */
  String describe();

  /** Which way a leader moves: off the tablet about to restart, or back onto it. */
  enum Direction {
    OFF,
    BACK
  }

  /** No roll is needed and none is in progress. */
  record Idle() implements UpgradeDecision {
    public Position position() {
      return null;
    }

    public String describe() {
      return "nothing to roll";
    }
  }

  /**
   * Nothing to do until the world changes (a pod starting, an op running, the pause lifted).
   *
   * @param writesRefused true while fenced partitions refuse writes: worth a much sooner look
   */
  record Wait(Position position, String reason, boolean writesRefused)
      implements UpgradeDecision {
    public Wait(Position position, String reason) {
      this(position, reason, false);
    }

    public String describe() {
      return "waiting: " + reason;
    }
  }

  /** Record a new roll in status: its target, plan and the op-id baseline for failed-op checks. */
  record StartRoll(
      Position position, String fromVersion, String toVersion, List<String> plan, long opBaseline)
      implements UpgradeDecision {
    public String describe() {
      return "starting roll " + fromVersion + " -> " + toVersion + " over " + plan.size() + " pods";
    }
  }

  /** Write the auto-failover setting found before the roll into the ledger (first time only). */
  record RecordAutoFailover(Position position, boolean original) implements UpgradeDecision {
    public String describe() {
      return "recording original auto_failover=" + original;
    }
  }

  /** {@code ConfSet auto_failover false}: the nameserver refuses leader changes while it is on. */
  record DisableAutoFailover(Position position) implements UpgradeDecision {
    public boolean disruptive() {
      return true;
    }

    public String describe() {
      return "turning auto_failover off for the roll";
    }
  }

  /** Write the tablet's led partitions to the ledger before anything moves. */
  record RecordLedger(Position position, String tablet, List<LedgerEntry> entries)
      implements UpgradeDecision {
    public boolean disruptive() {
      return true;
    }

    public String describe() {
      return "recording " + entries.size() + " led partitions of " + tablet + " in the ledger";
    }
  }

  /** {@code AddReplicaNS} for single-replica partitions, so their leader has somewhere to go. */
  record AddTemporaryReplicas(Position position, List<ReplicaRef> replicas)
      implements UpgradeDecision {
    public boolean disruptive() {
      return true;
    }

    public String describe() {
      return "adding temporary replicas " + replicas;
    }
  }

  /**
   * Start a wave of leader moves: mark each leader not alive ({@code UpdateTableAliveStatus}) so
   * clients stop writing to it and its offset becomes final.
   */
  record FenceLeaders(Position position, Direction direction, List<ReplicaRef> leaders)
      implements UpgradeDecision {
    public boolean disruptive() {
      return true;
    }

    public String describe() {
      return "fencing " + leaders.size() + " leaders (" + direction + "): " + leaders;
    }
  }

  /** {@code ChangeLeader} of fenced partitions to replicas that reached the final offset. */
  record SwitchLeaders(Position position, Direction direction, List<LeaderSwitch> switches)
      implements UpgradeDecision {
    public String describe() {
      return "changing " + switches.size() + " leaders (" + direction + ")";
    }
  }

  /**
   * Lift fences that cannot complete (timed out, or an op failed) so the old leaders serve again,
   * and halt.
   *
   * @param sticky the roll stays halted until the user retries or reverts the version
   */
  record UnfenceLeaders(
      Position position, List<ReplicaRef> leaders, String error, String remedy, boolean sticky)
      implements UpgradeDecision {
    public String describe() {
      return "lifting fences of " + leaders + ": " + error;
    }
  }

  /**
   * Mark the tablet's remaining replicas (followers, and single-replica leaders whose outage is
   * accepted) not alive just before its restart: with auto-failover off nothing else would, and
   * recovery after the restart then has an explicit, observable starting point.
   */
  record FenceReplicas(Position position, List<ReplicaRef> replicas) implements UpgradeDecision {
    public boolean disruptive() {
      return true;
    }

    public String describe() {
      return "marking " + replicas.size() + " replicas not alive before the restart";
    }
  }

  /** Delete the pod; its StatefulSet (OnDelete) recreates it from the desired template. */
  record DeletePod(Position position, String pod, String uid, String reason)
      implements UpgradeDecision {
    public boolean disruptive() {
      return true;
    }

    public String describe() {
      return "restarting " + pod + " (" + reason + ")";
    }
  }

  /** {@code RecoverTable} of replicas that are not alive on a running tablet. */
  record RecoverTables(Position position, List<ReplicaRef> replicas) implements UpgradeDecision {
    public String describe() {
      return "recovering " + replicas.size() + " replicas: " + replicas;
    }
  }

  /**
   * Mark a partition's only replica alive again ({@code UpdateTableAliveStatus}) after its
   * tablet restarted: a single-replica partition under AcceptUnavailability.
   */
  record ReviveLeaders(Position position, List<ReplicaRef> leaders) implements UpgradeDecision {
    public String describe() {
      return "marking single-replica leaders alive again: " + leaders;
    }
  }

  /** {@code DelReplicaNS} of temporary replicas once the leader is back. */
  record DeleteTemporaryReplicas(Position position, List<ReplicaRef> replicas)
      implements UpgradeDecision {
    public String describe() {
      return "deleting temporary replicas " + replicas;
    }
  }

  /** Drop one tablet's ledger entries: its leaders are back. */
  record ClearLedgerEntries(Position position, String tablet) implements UpgradeDecision {
    public String describe() {
      return "clearing the ledger entries of " + tablet;
    }
  }

  /** {@code ConfSet auto_failover true}: it was on before the roll. */
  record RestoreAutoFailover(Position position) implements UpgradeDecision {
    public String describe() {
      return "turning auto_failover back on";
    }
  }

  /** Delete the whole ledger at the end of the roll. */
  record ClearLedger(Position position) implements UpgradeDecision {
    public String describe() {
      return "clearing the ledger";
    }
  }

  /** The roll is complete: every pod on the target revision, leaders back, ledger gone. */
  record Done(Position position, String version) implements UpgradeDecision {
    public String describe() {
      return "roll to " + version + " complete";
    }
  }

  /**
   * The roll cannot go on safely: report Degraded with the error and the remedy. Leaders stay
   * where they serve.
   *
   * @param sticky the roll stays halted until the user retries or reverts the version; otherwise
   *     it continues by itself when the condition clears
   */
  record Halt(Position position, String error, String remedy, boolean sticky)
      implements UpgradeDecision {
    public String describe() {
      return "halted: " + error;
    }
  }

  /** The user asked to retry a halted roll ({@code openmldb.ai/retry} changed). */
  record Resume(Position position, String retryToken) implements UpgradeDecision {
    public String describe() {
      return "resuming the halted roll at the user's request";
    }
  }
}
