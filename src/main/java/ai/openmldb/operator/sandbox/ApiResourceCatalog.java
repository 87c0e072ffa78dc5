package ai.openmldb.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resource types the sandbox API server announces through discovery: the built-in types the
 * operator and a user's kubectl touch, plus every CustomResourceDefinition stored in the mock.
 * The CRUD mock itself has no discovery (it answers {@code /api} with a list of stored objects),
 * which is why kubectl fails against it with "the server doesn't have a resource type".
 */
final class ApiResourceCatalog {
  /** One resource type of one group/version. */
  record ApiResource(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> subresources,
      List<JsonNode> printerColumns) {
    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private static final List<ApiResource> BUILT_IN = List.of(
      builtIn("", "v1", "pods", "Pod", true, List.of("po"), "status", "log"),
      builtIn("", "v1", "services", "Service", true, List.of("svc"), "status"),
      builtIn("", "v1", "configmaps", "ConfigMap", true, List.of("cm")),
      builtIn("", "v1", "secrets", "Secret", true, List.of()),
      builtIn("", "v1", "namespaces", "Namespace", false, List.of("ns"), "status"),
      builtIn("", "v1", "events", "Event", true, List.of("ev")),
      builtIn("", "v1", "serviceaccounts", "ServiceAccount", true, List.of("sa")),
      builtIn("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"),
          "status"),
      builtIn("", "v1", "endpoints", "Endpoints", true, List.of("ep")),
      builtIn("apps", "v1", "statefulsets", "StatefulSet", true, List.of("sts"), "status",
          "scale"),
      builtIn("apps", "v1", "deployments", "Deployment", true, List.of("deploy"), "status",
          "scale"),
      builtIn("apps", "v1", "replicasets", "ReplicaSet", true, List.of("rs"), "status", "scale"),
      builtIn("apps", "v1", "controllerrevisions", "ControllerRevision", true, List.of()),
      builtIn("coordination.k8s.io", "v1", "leases", "Lease", true, List.of()),
      builtIn("events.k8s.io", "v1", "events", "Event", true, List.of("ev")),
      builtIn("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true,
          List.of("pdb"), "status"),
      builtIn("rbac.authorization.k8s.io", "v1", "roles", "Role", true, List.of()),
      builtIn("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, List.of()),
      builtIn("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false,
          List.of()),
      builtIn("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding",
          false, List.of()),
      builtIn("apiextensions.k8s.io", "v1", "customresourcedefinitions",
          "CustomResourceDefinition", false, List.of("crd", "crds"), "status"));

  private final ObjectMapper mapper;

  ApiResourceCatalog(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  private static ApiResource builtIn(String group, String version, String plural, String kind,
      boolean namespaced, List<String> shortNames, String... subresources) {
    return new ApiResource(group, version, plural, kind.toLowerCase(), kind, namespaced,
        shortNames, List.of(subresources), List.of());
  }

  /** Built-in resources plus those of the given CRDs (a CustomResourceDefinitionList as JSON). */
  List<ApiResource> resources(JsonNode crdList) {
    List<ApiResource> all = new ArrayList<>(BUILT_IN);
    for (JsonNode crd : crdList.path("items")) {
      JsonNode spec = crd.path("spec");
      JsonNode names = spec.path("names");
      List<String> shortNames = new ArrayList<>();
      names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
      for (JsonNode version : spec.path("versions")) {
        if (!version.path("served").asBoolean(true)) {
          continue;
        }
        List<String> subresources = new ArrayList<>();
        version.path("subresources").fieldNames().forEachRemaining(subresources::add);
        List<JsonNode> columns = new ArrayList<>();
        version.path("additionalPrinterColumns").forEach(columns::add);
        all.add(new ApiResource(spec.path("group").asText(), version.path("name").asText(),
            names.path("plural").asText(),
            names.path("singular").asText(names.path("kind").asText().toLowerCase()),
            names.path("kind").asText(), !"Cluster".equals(spec.path("scope").asText()),
            shortNames, subresources, columns));
      }
    }
    return all;
  }

  /** {@code GET /api}. */
  ObjectNode apiVersions(String serverAddress) {
    ObjectNode doc = mapper.createObjectNode().put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    doc.putArray("serverAddressByClientCIDRs").addObject()
        .put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return doc;
  }

  /** {@code GET /apis}. */
  ObjectNode groupList(List<ApiResource> resources) {
    ObjectNode doc = mapper.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    groupVersions(resources).forEach((group, versions) -> {
      if (!group.isEmpty()) {
        groups.add(group(group, versions));
      }
    });
    return doc;
  }

  /** {@code GET /apis/<group>}, or null for an unknown group. */
  ObjectNode group(List<ApiResource> resources, String group) {
    Set<String> versions = groupVersions(resources).get(group);
    if (versions == null || group.isEmpty()) {
      return null;
    }
    return group(group, versions).put("kind", "APIGroup").put("apiVersion", "v1");
  }

  private ObjectNode group(String group, Set<String> versions) {
    ObjectNode node = mapper.createObjectNode().put("name", group);
    ArrayNode list = node.putArray("versions");
    for (String version : versions) {
      list.addObject().put("groupVersion", group + "/" + version).put("version", version);
    }
    String preferred = versions.iterator().next();
    node.putObject("preferredVersion")
        .put("groupVersion", group + "/" + preferred).put("version", preferred);
    return node;
  }

  private static Map<String, Set<String>> groupVersions(List<ApiResource> resources) {
    Map<String, Set<String>> byGroup = new LinkedHashMap<>();
    for (ApiResource r : resources) {
      byGroup.computeIfAbsent(r.group(), g -> new LinkedHashSet<>()).add(r.version());
    }
    return byGroup;
  }

  /** {@code GET /api/v1} or {@code /apis/<group>/<version>}, or null when nothing is served there. */
  ObjectNode resourceList(List<ApiResource> resources, String group, String version) {
    ObjectNode doc = mapper.createObjectNode().put("kind", "APIResourceList")
        .put("apiVersion", "v1");
    ArrayNode list = doc.putArray("resources");
    String groupVersion = null;
    for (ApiResource r : resources) {
      if (!r.group().equals(group) || !r.version().equals(version)) {
        continue;
      }
      groupVersion = r.groupVersion();
      ObjectNode node = list.addObject().put("name", r.plural()).put("singularName", r.singular())
          .put("namespaced", r.namespaced()).put("kind", r.kind());
      VERBS.forEach(node.putArray("verbs")::add);
      if (!r.shortNames().isEmpty()) {
        r.shortNames().forEach(node.putArray("shortNames")::add);
      }
      for (String sub : r.subresources()) {
        ObjectNode subNode = list.addObject().put("name", r.plural() + "/" + sub)
            .put("singularName", "").put("namespaced", r.namespaced());
        if (sub.equals("scale")) {
          subNode.put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
        } else {
          subNode.put("kind", sub.equals("log") ? "Pod" : r.kind());
        }
        List<String> verbs = sub.equals("log") ? List.of("get") : List.of("get", "patch", "update");
        verbs.forEach(subNode.putArray("verbs")::add);
      }
    }
    if (groupVersion == null) {
      return null;
    }
    doc.put("groupVersion", groupVersion);
    return doc;
  }

  /** The resource type named by a plural in a group/version, or null. */
  static ApiResource find(List<ApiResource> resources, String group, String version,
      String plural) {
    for (ApiResource r : resources) {
      if (r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural)) {
        return r;
      }
    }
    return null;
  }
}
