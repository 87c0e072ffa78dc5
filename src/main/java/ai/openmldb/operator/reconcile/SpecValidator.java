package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.Component;
import ai.openmldb.operator.api.ComponentSpec;
import ai.openmldb.operator.api.ImageSpec;
import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.OpenMLDBClusterSpec;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.api.StorageSpec;
import ai.openmldb.operator.api.UpgradeSpec;
import ai.openmldb.operator.api.ZooKeeperSpec;
import ai.openmldb.operator.k8s.FlagsFile;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a cluster's spec: the CRD schema's rules again (the API server may not have enforced
 * them, e.g. an old CRD or a mock API) plus what the schema cannot express. Each problem names
 * the field and the fix; any problem means the reconciler changes nothing.
 */
public final class SpecValidator {
  private static final Pattern VERSION = Pattern.compile(OpenMLDBClusterSpec.VERSION_PATTERN);
  private static final Pattern ZK_CLUSTER =
      Pattern.compile("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$");
  private static final Pattern SECRET_NAME = Pattern.compile(ZooKeeperSpec.DNS_SUBDOMAIN);
  private static final Pattern ROOT_PATH = Pattern.compile(ZooKeeperSpec.ROOT_PATH_PATTERN);
  private static final Pattern REPOSITORY = Pattern.compile(ImageSpec.REPOSITORY_PATTERN);
  private static final Pattern PULL_POLICY = Pattern.compile("^(Always|IfNotPresent|Never)$");
  private static final Pattern FLAG_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_.-]*$");
  private static final Pattern QUANTITY = Pattern.compile(StorageSpec.SIZE_PATTERN);
  private static final int MAX_REPLICAS = 1000;

  private SpecValidator() {}

  /** All problems of the cluster's spec; empty when it is valid. */
  public static List<SpecProblem> validate(OpenMLDBCluster cluster) {
    List<SpecProblem> problems = new ArrayList<>();
    OpenMLDBClusterSpec spec = cluster.getSpec();
    if (spec == null) {
      problems.add(new SpecProblem("spec", "is missing", "add a spec (see config/samples/minimal.yaml)"));
      return problems;
    }
    problems.addAll(spec.getParseProblems());
    checkName(cluster, problems);
    checkVersion(cluster, spec, problems);
    checkImage(spec.getImage(), problems);
    checkZooKeeper(spec.getZookeeper(), problems);
    for (Component c : Component.values()) {
      checkComponent(spec, c, problems);
    }
    if (spec.getTablet() != null && spec.getTablet().getStorage() != null) {
      checkStorage(spec.getTablet().getStorage(), problems);
    }
    checkUpgrade(spec.getUpgrade(), problems);
    return problems;
  }

  /** The CRD refuses longer names too; here for an API server that did not (see the CRD rule). */
  private static void checkName(OpenMLDBCluster cluster, List<SpecProblem> problems) {
    String name = cluster.getMetadata() == null ? null : cluster.getMetadata().getName();
    if (name != null && name.length() > OpenMLDBCluster.MAX_NAME_LENGTH) {
      problems.add(new SpecProblem("metadata.name",
          "is " + name.length() + " characters; the StatefulSet and Service names derived from it"
              + " must stay within Kubernetes' 63-character label limit",
          "recreate the cluster under a name of at most " + OpenMLDBCluster.MAX_NAME_LENGTH
              + " characters"));
    }
  }

  private static void checkVersion(OpenMLDBCluster cluster, OpenMLDBClusterSpec spec,
      List<SpecProblem> problems) {
    String version = spec.getVersion();
    if (version == null || version.isBlank()) {
      problems.add(new SpecProblem("spec.version", "is missing", "set it to an OpenMLDB version such as 0.9.2"));
      return;
    }
    if (!VERSION.matcher(version).matches()) {
      problems.add(new SpecProblem("spec.version", "'" + version + "' is not a version like 0.9.2",
          "set it to MAJOR.MINOR.PATCH, optionally with a suffix (0.9.2, 0.9.3-rc1)"));
      return;
    }
    String current = cluster.getStatus() == null ? null : cluster.getStatus().getCurrentVersion();
    boolean allowDowngrade = spec.getUpgrade() != null
        && Boolean.TRUE.equals(spec.getUpgrade().getAllowDowngrade());
    if (current != null && VERSION.matcher(current).matches() && !allowDowngrade
        && minorOf(version).compareTo(minorOf(current)) < 0) {
      problems.add(new SpecProblem("spec.version",
          "'" + version + "' is an older minor version than the running " + current
              + "; OpenMLDB data may not be readable by an older minor version",
          "set it back to " + current + ", or set spec.upgrade.allowDowngrade: true if you are sure"));
    }
  }

  /** (major, minor) as a comparable pair. */
  private static MinorVersion minorOf(String version) {
    String[] parts = version.split("[.-]");
    return new MinorVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  private record MinorVersion(int major, int minor) implements Comparable<MinorVersion> {
    @Override
    public int compareTo(MinorVersion o) {
      return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }
  }

  private static void checkImage(ImageSpec image, List<SpecProblem> problems) {
    if (image == null) {
      return;
    }
    if (image.getRepository() == null || !REPOSITORY.matcher(image.getRepository()).matches()) {
      problems.add(new SpecProblem("spec.image.repository",
          "'" + image.getRepository() + "' is not an image repository (and must not carry a tag)",
          "set it to a repository such as 4pdosc/openmldb-online; the tag comes from spec.version"));
    }
    if (image.getPullPolicy() != null && !PULL_POLICY.matcher(image.getPullPolicy()).matches()) {
      problems.add(new SpecProblem("spec.image.pullPolicy", "'" + image.getPullPolicy() + "' is unknown",
          "use Always, IfNotPresent or Never"));
    }
  }

  private static void checkZooKeeper(ZooKeeperSpec zk, List<SpecProblem> problems) {
    if (zk == null) {
      problems.add(new SpecProblem("spec.zookeeper", "is missing",
          "add spec.zookeeper with cluster (host:port) and rootPath (e.g. /openmldb)"));
      return;
    }
    if (zk.getCluster() == null || !ZK_CLUSTER.matcher(zk.getCluster()).matches()) {
      problems.add(new SpecProblem("spec.zookeeper.cluster",
          zk.getCluster() == null ? "is missing" : "'" + zk.getCluster() + "' is not host:port[,host:port...]",
          "set it to the ZooKeeper connect string, e.g. zookeeper.default.svc:2181"));
    }
    if (zk.getRootPath() == null || !ROOT_PATH.matcher(zk.getRootPath()).matches()) {
      problems.add(new SpecProblem("spec.zookeeper.rootPath",
          zk.getRootPath() == null ? "is missing" : "'" + zk.getRootPath() + "' is not an absolute ZooKeeper path",
          "set it to a path like /openmldb (no trailing slash)"));
    } else if (zk.getRootPath().equals("/zookeeper") || zk.getRootPath().startsWith("/zookeeper/")) {
      problems.add(new SpecProblem("spec.zookeeper.rootPath", "is inside ZooKeeper's own /zookeeper tree",
          "use a path such as /openmldb"));
    }
    Integer timeout = zk.getSessionTimeoutMs();
    if (timeout != null && (timeout < 1000 || timeout > 600000)) {
      problems.add(new SpecProblem("spec.zookeeper.sessionTimeoutMs", "must be between 1000 and 600000 (got " + timeout + ")",
          "set it to a value in that range, e.g. 10000"));
    }
    String secret = zk.getAuthSecretName();
    if (secret != null && (secret.length() > 253 || !SECRET_NAME.matcher(secret).matches())) {
      problems.add(new SpecProblem("spec.zookeeper.authSecretName",
          "'" + secret + "' is not a valid Secret name",
          "use the Secret's name (lower case letters, digits, - and .)"));
    }
  }

  private static void checkComponent(OpenMLDBClusterSpec spec, Component c, List<SpecProblem> problems) {
    String field = "spec." + c.id();
    ComponentSpec block = spec.component(c);
    if (block == null) {
      if (c == Component.NAMESERVER || c == Component.TABLET) {
        problems.add(new SpecProblem(field, "is missing", "add " + field + " with replicas >= 1"));
      }
      return;
    }
    int min = c == Component.NAMESERVER || c == Component.TABLET ? 1 : 0;
    int replicas = spec.replicas(c);
    if (replicas < min || replicas > MAX_REPLICAS) {
      problems.add(new SpecProblem(field + ".replicas",
          "must be between " + min + " and " + MAX_REPLICAS + " (got " + replicas + ")",
          "set " + field + ".replicas to " + (replicas < min ? min + " or more" : "at most " + MAX_REPLICAS)));
    }
    checkResources(field + ".resources", block.getResources(), problems);
    Map<String, String> flags = block.getFlags();
    if (flags == null) {
      return;
    }
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      String name = flag.getKey();
      String flagField = field + ".flags." + name;
      if (FlagsFile.ALL_RESERVED.contains(name)) {
        problems.add(new SpecProblem(flagField, "is set by the operator and cannot be overridden",
            "remove it; the operator derives it from the pod name and spec.zookeeper"));
      } else if (!FLAG_NAME.matcher(name).matches()) {
        problems.add(new SpecProblem(flagField, "is not a flag name",
            "use the flag's name without leading dashes, e.g. thread_pool_size"));
      } else if (flag.getValue() == null || flag.getValue().contains("\n")) {
        problems.add(new SpecProblem(flagField, "needs a single-line value",
            "give it a value on one line (quote numbers and booleans: '32', 'true')"));
      }
    }
  }

  /**
   * Quantities the API server would refuse in the pod template, checked here because the CRD
   * schema only says int-or-string, and because fabric8's {@code Quantity.hashCode/equals} throw
   * on a malformed amount: unchecked, one bad value made every reconcile of the cluster fail.
   */
  private static void checkResources(String field, ResourceRequirements resources,
      List<SpecProblem> problems) {
    if (resources == null) {
      return;
    }
    Map<String, BigDecimal> limits = quantities(field + ".limits", resources.getLimits(), problems);
    Map<String, BigDecimal> requests =
        quantities(field + ".requests", resources.getRequests(), problems);
    for (Map.Entry<String, BigDecimal> request : requests.entrySet()) {
      BigDecimal limit = limits.get(request.getKey());
      if (limit != null && request.getValue().compareTo(limit) > 0) {
        problems.add(new SpecProblem(field + ".requests." + request.getKey(),
            "is above its limit " + resources.getLimits().get(request.getKey()),
            "lower the request to at most the limit, or raise " + field + ".limits."
                + request.getKey()));
      }
    }
  }

  /** The parseable amounts; a problem for each malformed or negative one. */
  private static Map<String, BigDecimal> quantities(String field, Map<String, Quantity> values,
      List<SpecProblem> problems) {
    Map<String, BigDecimal> out = new java.util.LinkedHashMap<>();
    if (values == null) {
      return out;
    }
    for (Map.Entry<String, Quantity> e : values.entrySet()) {
      Quantity q = e.getValue();
      String text = q == null ? null : q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
      try {
        BigDecimal amount = Quantity.getAmountInBytes(q);
        if (amount.signum() < 0) {
          throw new NumberFormatException("negative");
        }
        out.put(e.getKey(), amount);
      } catch (RuntimeException notAQuantity) {
        problems.add(new SpecProblem(field + "." + e.getKey(), "'" + text + "' is not a quantity",
            "write a Kubernetes quantity such as 500m or 2 (cpu), 8Gi (memory)"));
      }
    }
    return out;
  }

  private static void checkStorage(StorageSpec storage, List<SpecProblem> problems) {
    if (storage.getSize() == null || !QUANTITY.matcher(storage.getSize()).matches()) {
      problems.add(new SpecProblem("spec.tablet.storage.size",
          storage.getSize() == null ? "is missing" : "'" + storage.getSize() + "' is not a size",
          "set it to a quantity such as 20Gi"));
    }
  }

  private static void checkUpgrade(UpgradeSpec upgrade, List<SpecProblem> problems) {
    if (upgrade == null) {
      return;
    }
    Integer moves = upgrade.getMaxConcurrentLeaderMoves();
    if (moves != null && (moves < 1 || moves > 1024)) {
      problems.add(new SpecProblem("spec.upgrade.maxConcurrentLeaderMoves",
          "must be between 1 and 1024 (got " + moves + ")", "set it to a value in that range, e.g. 8"));
    }
    checkPositive("spec.upgrade.podReadyTimeoutSeconds", upgrade.getPodReadyTimeoutSeconds(), problems);
    checkPositive("spec.upgrade.leaderMoveTimeoutSeconds", upgrade.getLeaderMoveTimeoutSeconds(), problems);
    checkPositive("spec.upgrade.catchUpTimeoutSeconds", upgrade.getCatchUpTimeoutSeconds(), problems);
  }

  private static void checkPositive(String field, Integer value, List<SpecProblem> problems) {
    if (value != null && (value < 1 || value > UpgradeSpec.MAX_TIMEOUT_SECONDS)) {
      problems.add(new SpecProblem(field,
          "must be between 1 and " + UpgradeSpec.MAX_TIMEOUT_SECONDS + " (got " + value + ")",
          "set it to a value in that range"));
    }
  }
}
