package dev.datapunk.mesh.userproject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.datapunk.mesh.runtime.tls.ClientTls;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project README.md tells a new user to write, built and run as that user would: its files are
 * the README's marked blocks (see {@link ReadmeProject}), written to a temporary directory outside
 * this repository and built by a real {@code mvn package} that sees this reactor only through its
 * installed artifacts; the jar it packages runs in a directory of its own on the development PKI,
 * answers over mTLS, enforces the annotations of the README's service, and stops on SIGTERM to its
 * pid. The build's output is kept in {@code target/user-build/}.
 */
class UserProjectIT {

  private static final String GREETER = "example.greeter.v1.Greeter";
  private static final Metadata NO_HEADERS = new Metadata();
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Path reactorRoot = Path.of(System.getProperty("mesh.it.reactorRoot"));
  private final Path logDir = Path.of(System.getProperty("mesh.it.logDir"));
  private final UserMavenBuild maven =
      new UserMavenBuild(
          Path.of(System.getProperty("mesh.it.mavenHome")),
          Path.of(System.getProperty("mesh.it.userRepository")),
          Path.of(System.getProperty("mesh.it.sharedRepository")));

  @Test
  void theReadmeProjectBuildsWithMavenAndItsJarServesTheReadmeService(@TempDir Path temp)
      throws Exception {
    Path projectDir = Files.createDirectory(temp.resolve("greeter"));
    Path runDir = Files.createDirectory(temp.resolve("run"));
    ReadmeProject project = ReadmeProject.read(reactorRoot.resolve("README.md"));
    assertThat(project.files().keySet())
        .contains("pom.xml")
        .anyMatch(path -> path.startsWith("src/main/proto/") && path.endsWith(".proto"))
        .anyMatch(path -> path.startsWith("src/main/java/") && path.endsWith(".java"));
    project.writeTo(projectDir);

    long buildStart = System.nanoTime();
    UserMavenBuild.Result build = maven.run(projectDir, logDir, "package");
    assertThat(build.exitStatus())
        .as("mvn -B package of the README's project:%n%s", build.tail(80))
        .isZero();
    assertThat(build.output().lines().filter(line -> line.startsWith("[WARNING]")).toList())
        .as("warnings of the README's project build")
        .isEmpty();
    System.out.printf(
        "user build: %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - buildStart));

    Path jar = executableJar(projectDir.resolve("target"));
    try (JarProcess server = JarProcess.startServer(jar, runDir)) {
      Path dev = runDir.resolve(".mesh/dev");
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1",
                  server.port(),
                  ClientTls.mutual(
                      dev.resolve("ca.pem"), dev.resolve("client.pem"), dev.resolve("client.key")))
              .build();
      try {
        assertThat(
                HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus())
            .isEqualTo(ServingStatus.SERVING);
        ReflectedService greeter = ReflectedService.describe(channel, GREETER);

        DynamicMessage hello = greeter.call("SayHello", Map.of("name", "Ada"), NO_HEADERS);
        assertThat(ReflectedService.field(hello, "message")).isEqualTo("Hello, Ada");

        assertThatThrownBy(() -> greeter.call("SetGreeting", Map.of("greeting", "Hi"), NO_HEADERS))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

        String token =
            JarProcess.runCommand(
                    jar, runDir, "dev-token", "--subject=ci", "--scopes=greeter:write")
                .strip();
        Metadata bearer = new Metadata();
        bearer.put(AUTHORIZATION, "Bearer " + token);
        greeter.call("SetGreeting", Map.of("greeting", "Hi"), bearer);
        assertThat(
                ReflectedService.field(
                    greeter.call("SayHello", Map.of("name", "Ada"), NO_HEADERS), "message"))
            .isEqualTo("Hi, Ada");

        assertThat(scrape(server.metricsPort()))
            .anyMatch(line -> authDecision(line, "SetGreeting", "unauthenticated"))
            .anyMatch(line -> authDecision(line, "SetGreeting", "allowed"));
      } finally {
        channel.shutdownNow();
      }
      assertThat(server.stop())
          .as("exit status after SIGTERM; output %s", server.output())
          .isZero();
    }
  }

  private static boolean authDecision(String line, String method, String result) {
    return line.startsWith("mesh_auth_decisions_total{")
        && line.contains("method=\"" + GREETER + "/" + method + "\"")
        && line.contains("result=\"" + result + "\"")
        && line.endsWith(" 1.0");
  }

  private static List<String> scrape(int metricsPort) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<Stream<String>> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body().toList();
  }

  /**
   * The shaded jar: the one in {@code target} that maven-shade-plugin did not rename to original-*.
   */
  private static Path executableJar(Path target) throws IOException {
    try (Stream<Path> files = Files.list(target)) {
      List<Path> jars =
          files
              .filter(file -> file.getFileName().toString().endsWith(".jar"))
              .filter(file -> !file.getFileName().toString().startsWith("original-"))
              .toList();
      assertThat(jars).as("executable jar in %s", target).hasSize(1);
      return jars.get(0);
    }
  }
}
