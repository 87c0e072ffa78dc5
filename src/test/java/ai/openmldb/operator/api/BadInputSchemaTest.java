package ai.openmldb.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.openmldb.operator.api.BadInputCorpus.Case;
import ai.openmldb.operator.api.CrdSchemaChecker.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corpus case marked {@code schema:} is really refused by the generated CRD (OpenAPI schema and
 * CEL rules), for the stated field; every case marked only {@code degraded:} passes the schema, so the
 * operator's own validation has to catch it.
 */
class BadInputSchemaTest {
  private static CrdSchemaChecker checker;

  @BeforeAll
  static void load() {
    checker = CrdSchemaChecker.forGeneratedCrd();
  }

  static List<Case> cases() {
    return BadInputCorpus.cases();
  }

  @Test
  void corpusHasAtLeastTwentyFiveCases() {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
  }

  @Test
  void baseClusterIsValidOnCreateAndAsAnUnchangedUpdate() {
    JsonNode base = BadInputCorpus.read(BadInputCorpus.baseYaml());
    assertThat(checker.check(base)).isEmpty();
    assertThat(checker.check(base, base)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void caseGetsItsExpectedSchemaOutcome(Case c) {
    List<Violation> violations = checker.check(c.tree(), c.base());
    if (!c.rejectedBySchema()) {
      assertThat(violations)
          .as("%s is expected to pass the schema (the operator must catch it)", c)
          .isEmpty();
      return;
    }
    assertThat(violations).as("%s must be rejected by the CRD", c).isNotEmpty();
    for (String expected : c.schemaPaths()) {
      assertThat(violations)
          .as("%s: a violation at %s", c, expected)
          .anyMatch(v -> about(v, expected));
    }
    // Single-fault mutations: nothing else in the file is wrong.
    assertThat(violations)
        .as("%s: every violation concerns %s", c, c.schemaPaths())
        .allMatch(v -> c.schemaPaths().stream().anyMatch(p -> about(v, p)));
  }

  /** The violation is at the path, below it, or a rule on an ancestor whose message names it. */
  private static boolean about(Violation v, String path) {
    return v.path().equals(path)
        || v.path().startsWith(path + ".")
        || v.path().startsWith(path + "[")
        || ((v.path().isEmpty() || path.startsWith(v.path() + ".")) && v.message().contains(path));
  }

  // ---- the transition rules also let the legitimate changes through ----

  private static ObjectNode base() {
    return (ObjectNode) BadInputCorpus.read(BadInputCorpus.baseYaml());
  }

  private static ObjectNode withVersion(String version, boolean allowDowngrade) {
    ObjectNode o = base();
    ObjectNode spec = (ObjectNode) o.get("spec");
    spec.put("version", version);
    if (allowDowngrade) {
      spec.putObject("upgrade").put("allowDowngrade", true);
    }
    return o;
  }

  @Test
  void upgradesPatchDowngradesAndAllowedDowngradesPass() {
    ObjectNode running = withVersion("0.9.2", false);
    assertThat(checker.check(withVersion("0.9.3", false), running)).isEmpty();
    assertThat(checker.check(withVersion("1.0.0-rc1", false), running)).isEmpty();
    assertThat(checker.check(withVersion("0.9.1", false), running)).isEmpty();
    assertThat(checker.check(withVersion("0.8.5", true), running)).isEmpty();
    assertThat(checker.check(withVersion("0.10.0", false), running)).isEmpty();
    assertThat(checker.check(withVersion("0.9.2", false), withVersion("0.10.0", false)))
        .extracting(Violation::path)
        .containsExactly("spec.version");
  }

  @Test
  void scalingAndChangingTheZooKeeperMembersPass() {
    ObjectNode changed = base();
    ((ObjectNode) changed.at("/spec/tablet")).put("replicas", 5);
    ((ObjectNode) changed.at("/spec/zookeeper")).put("cluster", "zk-a:2181,zk-b:2181,zk-c:2181");
    ((ObjectNode) changed.at("/spec/nameserver")).putObject("flags").put("thread_pool_size", "32");
    assertThat(checker.check(changed, base())).isEmpty();
  }

  @Test
  void registryWithPortAndNestedPathsAreValidRepositories() {
    for (String repo :
        List.of("4pdosc/openmldb-online", "registry.local:5000/ml/openmldb", "openmldb")) {
      ObjectNode o = base();
      ((ObjectNode) o.get("spec")).putObject("image").put("repository", repo);
      assertThat(checker.check(o)).as(repo).isEmpty();
    }
  }

  @Test
  void defaultsAreAppliedBeforeTheRules() {
    ObjectNode o = base();
    ((ObjectNode) o.get("spec")).putObject("upgrade");
    assertThat(checker.check(o)).isEmpty();
  }
}
