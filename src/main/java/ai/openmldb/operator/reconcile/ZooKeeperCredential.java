package ai.openmldb.operator.reconcile;

import ai.openmldb.operator.api.OpenMLDBCluster;
import ai.openmldb.operator.api.SpecProblem;
import ai.openmldb.operator.api.ZooKeeperSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper digest credential ({@code user:password}, key {@code auth}) of the Secret a
 * cluster names in {@code spec.zookeeper.authSecretName}: one read serves both the spec check
 * (a missing Secret or key is the user's to fix) and the connection. The value is never logged.
 *
 * @param secretName the Secret named, or null when the cluster's ZooKeeper needs no credential
 * @param auth the credential, when the Secret was read and holds it
 * @param problem what is wrong with the spec, when the Secret or its key is missing
 */
record ZooKeeperCredential(String secretName, Optional<String> auth, SpecProblem problem) {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCredential.class);
  private static final String KEY = "auth";

  static ZooKeeperCredential read(KubernetesClient client, OpenMLDBCluster cluster) {
    ZooKeeperSpec zk = cluster.getSpec().getZookeeper();
    String name = zk == null ? null : zk.getAuthSecretName();
    if (name == null || name.isBlank()) {
      return new ZooKeeperCredential(null, Optional.empty(), null);
    }
    String ns = cluster.getMetadata().getNamespace();
    Secret secret;
    try {
      secret = client.secrets().inNamespace(ns).withName(name).get();
    } catch (RuntimeException e) {
      // not a verdict on the spec (RBAC, API hiccup): the roll reports the connection instead
      LOG.warn("cannot read ZooKeeper credential Secret {}/{}: {}", ns, name,
          e.getClass().getSimpleName());
      return new ZooKeeperCredential(name, Optional.empty(), null);
    }
    if (secret == null) {
      return new ZooKeeperCredential(name, Optional.empty(), new SpecProblem(
          "spec.zookeeper.authSecretName",
          "names Secret " + name + ", which does not exist in namespace " + ns
              + " (the operator reads its ZooKeeper digest credential from it)",
          "create the Secret " + name + " with key auth (user:password), or remove "
              + "spec.zookeeper.authSecretName if ZooKeeper needs no credential"));
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(KEY);
    if (encoded == null || encoded.isBlank()) {
      return new ZooKeeperCredential(name, Optional.empty(), new SpecProblem(
          "spec.zookeeper.authSecretName", "names Secret " + name + ", which has no key auth",
          "add the key auth (user:password) to the Secret " + name));
    }
    try {
      String auth = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8)
          .trim();
      return new ZooKeeperCredential(name, Optional.of(auth), null);
    } catch (IllegalArgumentException e) { // the API server sends base64; anything else is broken
      return new ZooKeeperCredential(name, Optional.empty(), new SpecProblem(
          "spec.zookeeper.authSecretName", "names Secret " + name + ", whose key auth is not base64",
          "store user:password under the key auth of the Secret " + name));
    }
  }

  /** False when a credential is named but could not be had: connecting without it is wrong. */
  boolean usable() {
    return secretName == null || auth.isPresent();
  }
}
