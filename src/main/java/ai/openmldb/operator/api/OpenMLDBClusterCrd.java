package ai.openmldb.operator.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The generated CRD, as shipped in the jar; the sandbox and tests install it in the mock API. */
public final class OpenMLDBClusterCrd {
  /** Classpath location written by crd-generator-maven-plugin (committed copy: crds/). */
  public static final String RESOURCE = "META-INF/fabric8/openmldbclusters.openmldb.ai-v1.yml";

  private OpenMLDBClusterCrd() {}

  public static CustomResourceDefinition load(KubernetesClient client) {
    try (InputStream in = OpenMLDBClusterCrd.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing: run mvn process-classes");
      }
      return client.apiextensions().v1().customResourceDefinitions().load(in).item();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates (or replaces) the CRD; the mock API emulates the status subresource only with it. */
  public static CustomResourceDefinition install(KubernetesClient client) {
    return client.apiextensions().v1().customResourceDefinitions().resource(load(client))
        .createOr(existing -> existing.update());
  }
}
