package dev.datapunk.mesh.userproject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.datapunk.mesh.runtime.config.ConfigKeys;
import dev.datapunk.mesh.runtime.config.ConfigLoader;
import dev.datapunk.mesh.runtime.config.MeshConfig;
import dev.datapunk.mesh.runtime.metrics.MetricsEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Kubernetes manifests and the Dockerfile under deploy/ agree with each other and with the
 * runtime: every variable the Deployment sets is read by the runtime's own configuration loader,
 * and ports, probes, the termination grace and the mounted files follow from those values.
 */
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of(System.getProperty("mesh.it.reactorRoot"), "deploy");

  /**
   * After shutdown-grace, the server waits up to 5 s for cancelled calls (docs/observability.md,
   * "Graceful shutdown").
   */
  private static final Duration CANCELLED_CALLS_WAIT = Duration.ofSeconds(5);

  private static List<Map<String, Object>> manifests;
  private static Map<String, Object> podSpec;
  private static Map<String, Object> container;
  private static Map<String, String> environment;
  private static MeshConfig config;

  @BeforeAll
  static void load(@TempDir Path emptyWorkingDir) throws IOException {
    manifests = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          new Load(LoadSettings.builder().build())
              .loadAllFromInputStream(in)
              .forEach(doc -> manifests.add(map(doc)));
        }
      }
    }
    podSpec = map(at(only("Deployment"), "spec", "template", "spec"));
    List<Object> containers = list(podSpec.get("containers"));
    assertThat(containers).as("containers of the Deployment").hasSize(1);
    container = map(containers.get(0));
    environment = new LinkedHashMap<>();
    for (Object variable : list(container.get("env"))) {
      Map<String, Object> entry = map(variable);
      assertThat(entry).as("env entry %s sets a literal value", entry).containsKey("value");
      environment.put((String) entry.get("name"), String.valueOf(entry.get("value")));
    }
    config = ConfigLoader.load(new String[0], environment, emptyWorkingDir).config();
  }

  @Test
  void theDeploymentSetsOnlyConfigurationVariablesThatTheRuntimeAccepts() {
    // ConfigLoader.load above failed on any unknown MESH_* variable or invalid value.
    assertThat(environment.keySet())
        .allMatch(name -> name.startsWith("MESH_"), "MESH_* configuration variables")
        .contains(
            ConfigKeys.HEALTH_PORT.environmentVariable(),
            "MESH_SERVER_SHUTDOWN_GRACE",
            "MESH_SERVER_SHUTDOWN_DELAY",
            "MESH_TLS_CERT",
            "MESH_TLS_KEY",
            "MESH_TLS_CA",
            "MESH_AUTH_JWT_JWKS");
    assertThat(config.get(ConfigKeys.TLS_CERT)).isPresent();
    assertThat(config.get(ConfigKeys.AUTH_JWT_JWKS)).isPresent();
  }

  @Test
  void everyProbeAsksTheHealthPort() {
    int healthPort = healthPort();
    assertThat(healthPort).isPositive();
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(at(container, probe, "grpc", "port"))
          .as("%s gRPC port", probe)
          .isEqualTo(healthPort);
    }
  }

  @Test
  void terminationGraceOutlastsTheWholeDrain() {
    Duration drain =
        config
            .get(ConfigKeys.SERVER_SHUTDOWN_DELAY)
            .plus(config.get(ConfigKeys.SERVER_SHUTDOWN_GRACE))
            .plus(CANCELLED_CALLS_WAIT);
    assertThat(Duration.ofSeconds((Integer) podSpec.get("terminationGracePeriodSeconds")))
        .isGreaterThan(drain);
  }

  @Test
  void shutdownDelayCoversAFailedReadinessProbe() {
    Map<String, Object> readiness = map(container.get("readinessProbe"));
    Duration untilUnready =
        Duration.ofSeconds(
            (long) (Integer) readiness.get("periodSeconds")
                * (Integer) readiness.get("failureThreshold"));
    assertThat(config.get(ConfigKeys.SERVER_SHUTDOWN_DELAY)).isGreaterThanOrEqualTo(untilUnready);
  }

  @Test
  void containerPortsAreTheConfiguredPortsAndTheImageExposesThem() throws IOException {
    Map<String, Integer> ports = containerPorts();
    assertThat(ports)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "grpc", config.get(ConfigKeys.SERVER_PORT),
                "metrics", config.get(ConfigKeys.METRICS_PORT),
                "health", healthPort()));
    assertThat(
            dockerfileInstructions("EXPOSE").stream()
                .flatMap(line -> Stream.of(line.split("\\s+")))
                .map(Integer::valueOf)
                .collect(Collectors.toSet()))
        .isEqualTo(Set.copyOf(ports.values()));
  }

  @Test
  void theServiceSelectsThePodsAndTargetsTheirGrpcAndMetricsPorts() {
    Map<String, Object> service = only("Service");
    Map<String, Object> podLabels =
        map(at(only("Deployment"), "spec", "template", "metadata", "labels"));
    assertThat(podLabels).containsAllEntriesOf(map(at(service, "spec", "selector")));
    Map<String, Object> targets = new HashMap<>();
    for (Object port : list(at(service, "spec", "ports"))) {
      targets.put((String) map(port).get("name"), map(port).get("targetPort"));
    }
    assertThat(targets).isEqualTo(Map.of("grpc", "grpc", "metrics", "metrics"));
    assertThat(containerPorts()).containsKeys("grpc", "metrics");
  }

  @Test
  void prometheusScrapesTheMetricsEndpoint() {
    Map<String, Object> annotations =
        map(at(only("Deployment"), "spec", "template", "metadata", "annotations"));
    assertThat(annotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(config.get(ConfigKeys.METRICS_PORT)))
        .containsEntry("prometheus.io/path", MetricsEndpoint.PATH);
  }

  @Test
  void certificatesKeyAndJwksAreFilesOfSecretsMountedReadOnly() {
    Map<String, String> secretMounts = new HashMap<>();
    Map<String, String> secretOfVolume = new HashMap<>();
    for (Object volume : list(podSpec.get("volumes"))) {
      Optional.ofNullable(map(volume).get("secret"))
          .ifPresent(
              secret ->
                  secretOfVolume.put(
                      (String) map(volume).get("name"), (String) map(secret).get("secretName")));
    }
    for (Object mount : list(container.get("volumeMounts"))) {
      String volume = (String) map(mount).get("name");
      if (secretOfVolume.containsKey(volume)) {
        assertThat(map(mount).get("readOnly")).as("mount of %s read-only", volume).isEqualTo(true);
        secretMounts.put((String) map(mount).get("mountPath"), secretOfVolume.get(volume));
      }
    }
    List<Path> files =
        List.of(
            config.get(ConfigKeys.TLS_CERT).orElseThrow(),
            config.get(ConfigKeys.TLS_KEY).orElseThrow(),
            config.get(ConfigKeys.TLS_CA).orElseThrow(),
            Path.of(environment.get(ConfigKeys.AUTH_JWT_JWKS.environmentVariable())));
    for (Path file : files) {
      assertThat(secretMounts.keySet())
          .as("a Secret mounted at the directory of %s", file)
          .contains(file.getParent().toString());
    }
  }

  @Test
  void theImageRunsAsTheNonRootUserThePodRequires() throws IOException {
    Map<String, Object> security = map(podSpec.get("securityContext"));
    assertThat(security).containsEntry("runAsNonRoot", true);
    assertThat(dockerfileInstructions("USER"))
        .containsExactly(security.get("runAsUser") + ":" + security.get("runAsGroup"));
    assertThat(map(container.get("securityContext"))).containsEntry("readOnlyRootFilesystem", true);
  }

  private static int healthPort() {
    return config.get(ConfigKeys.HEALTH_PORT);
  }

  private static Map<String, Integer> containerPorts() {
    Map<String, Integer> ports = new HashMap<>();
    for (Object port : list(container.get("ports"))) {
      ports.put((String) map(port).get("name"), (Integer) map(port).get("containerPort"));
    }
    return ports;
  }

  /** The arguments of every {@code instruction} line of the final stage of deploy/Dockerfile. */
  private static List<String> dockerfileInstructions(String instruction) throws IOException {
    List<String> lines = Files.readAllLines(DEPLOY.resolve("Dockerfile"), StandardCharsets.UTF_8);
    int lastStage = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        lastStage = i;
      }
    }
    return lines.subList(lastStage, lines.size()).stream()
        .filter(line -> line.startsWith(instruction + " "))
        .map(line -> line.substring(instruction.length() + 1).strip())
        .toList();
  }

  private static Map<String, Object> only(String kind) {
    List<Map<String, Object>> ofKind =
        manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
    assertThat(ofKind).as("%s manifests under %s", kind, DEPLOY).hasSize(1);
    return ofKind.get(0);
  }

  private static Object at(Map<String, Object> node, String... path) {
    Object current = node;
    for (String step : path) {
      current = map(current).get(step);
      assertThat(current).as("%s in %s", String.join(".", path), node.get("kind")).isNotNull();
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    assertThat(node).isInstanceOf(Map.class);
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node) {
    assertThat(node).isInstanceOf(List.class);
    return (List<Object>) node;
  }
}
