package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bearer token guards every route but the health probe, lives only in owner-only files, and
 * never shows up on a command line, in a log, in the manifest or in any output.
 */
class AuthScenarioIT {
  @TempDir Path tempDir;

  private CapstanHarness capstan;

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir);
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void every_route_but_health_answers_401_without_a_token_or_with_a_wrong_one() {
    CapstanHarness.Manifest manifest = capstan.startDaemon();
    String token = capstan.token();
    String wrong = "x" + token.substring(1);

    try (DaemonHttp http = capstan.http(manifest)) {
      List<JsonNode> routes = routes(http, token);
      List<String> guarded = new ArrayList<>();
      for (JsonNode route : routes) {
        String method = route.path("method").asText();
        String path = concrete(route.path("path").asText());
        if (path.equals("/api/health")) {
          continue;
        }
        guarded.add(method + " " + path);

        DaemonHttp.Reply anonymous = http.anonymous(method, path);
        DaemonHttp.Reply forged = http.authorized(method, path, wrong);

        assertThat(anonymous.status()).as("%s %s without a token", method, path).isEqualTo(401);
        assertThat(anonymous.errorCode()).as("%s %s", method, path).isEqualTo("UNAUTHORIZED");
        assertThat(anonymous.json().path("error").path("hint").asText()).isNotBlank();
        assertThat(forged.status()).as("%s %s with a wrong token", method, path).isEqualTo(401);
        assertThat(forged.errorCode()).isEqualTo("UNAUTHORIZED");
      }

      assertThat(guarded)
          .contains(
              "GET /api/daemon",
              "POST /api/daemon/shutdown",
              "POST /api/token/rotate",
              "GET /api/routes");
      assertThat(http.healthy()).as("still serving after the anonymous shutdown attempt").isTrue();
      assertThat(capstan.token()).as("no anonymous rotation").isEqualTo(token);
      assertThat(capstan.manifest().instanceId()).isEqualTo(manifest.instanceId());
    }
  }

  @Test
  void health_answers_ok_without_credentials_and_is_listed_as_public() {
    capstan.startDaemon();

    try (DaemonHttp http = capstan.http()) {
      DaemonHttp.Reply health = http.anonymous("GET", "/api/health");

      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok");
      assertThat(health.contentType()).startsWith("text/plain");
      assertThat(routes(http, capstan.token()))
          .anySatisfy(
              route -> {
                assertThat(route.path("path").asText()).isEqualTo("/api/health");
                assertThat(route.path("authenticated").asBoolean()).isFalse();
              });
    }
  }

  @Test
  void token_and_manifest_are_owner_only_files_in_an_owner_only_home() throws IOException {
    capstan.startDaemon();

    assertThat(mode(capstan.home())).isEqualTo("rwx------");
    assertThat(mode(capstan.home().resolve("auth.json"))).isEqualTo("rw-------");
    assertThat(mode(capstan.home().resolve("daemon.json"))).isEqualTo("rw-------");
    assertThat(mode(capstan.home().resolve("logs"))).isEqualTo("rwx------");
  }

  @Test
  void token_file_mode_is_repaired_on_start() throws IOException {
    capstan.startDaemon();
    capstan.run("daemon", "stop").assertExit(0);
    Files.setPosixFilePermissions(
        capstan.home().resolve("auth.json"), PosixFilePermissions.fromString("rw-r--r--"));

    capstan.startDaemon();

    assertThat(mode(capstan.home().resolve("auth.json"))).isEqualTo("rw-------");
  }

  @Test
  void token_never_appears_in_process_arguments_logs_manifest_or_json_output() throws Exception {
    List<CliResult> outputs = new ArrayList<>();
    outputs.add(capstan.run("daemon", "start", "--json").assertExit(0));
    String token = capstan.token();
    outputs.add(capstan.run("daemon", "status", "--json").assertExit(0));
    outputs.add(capstan.run("daemon", "status").assertExit(0));
    outputs.add(capstan.run("config", "show", "--json").assertExit(0));
    outputs.add(capstan.run("daemon", "logs", "-n", "200", "--json").assertExit(0));
    long daemon = capstan.manifest().pid();
    String processes = processArguments();
    outputs.add(capstan.run("daemon", "restart", "--json").assertExit(0));
    outputs.add(capstan.run("daemon", "stop", "--json").assertExit(0));

    assertThat(processes)
        .containsPattern("(?m)^\\s*" + daemon + " .*dev\\.capstan\\.app\\.Main daemon run")
        .doesNotContain(token);
    for (CliResult output : outputs) {
      assertThat(output.output()).as(output.toString()).doesNotContain(token);
    }
    assertThat(capstan.read("logs/daemon.log")).isNotEmpty().doesNotContain(token);
    assertThat(capstan.read("logs/daemon.out")).doesNotContain(token);
    try (Stream<Path> files = Files.list(capstan.home())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (!file.getFileName().toString().equals("auth.json")) {
          assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
              .as(file.getFileName().toString())
              .doesNotContain(token);
        }
      }
    }
  }

  @Test
  void manifest_holds_no_token() {
    capstan.startDaemon();

    CapstanHarness.Manifest manifest = capstan.manifest();

    assertThat(manifest.raw().toString()).doesNotContain(capstan.token());
    assertThat(manifest.raw().fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "version",
            "instanceId",
            "pid",
            "pidStartedAt",
            "host",
            "port",
            "url",
            "startedAt",
            "home",
            "logPath",
            "capstanVersion");
  }

  @Test
  void token_rotate_revokes_the_old_token_at_once_and_never_prints_the_new_one() {
    capstan.startDaemon();
    String old = capstan.token();

    CliResult rotate = capstan.run("token", "rotate");
    CliResult rotateJson = capstan.run("token", "rotate", "--json");

    rotate.assertExit(0);
    rotateJson.assertExit(0);
    String current = capstan.token();
    assertThat(current).isNotEqualTo(old);
    assertThat(rotate.stdout()).contains("Token rotated.").contains("never printed");
    for (CliResult result : List.of(rotate, rotateJson)) {
      assertThat(result.output()).doesNotContain(old).doesNotContain(current);
    }
    try (DaemonHttp http = capstan.http()) {
      assertThat(http.authorized("GET", "/api/daemon", old).status()).isEqualTo(401);
      assertThat(http.authorized("GET", "/api/daemon", current).status()).isEqualTo(200);
    }
    capstan.run("daemon", "status").assertExit(0);
    assertThat(capstan.read("logs/daemon.log")).doesNotContain(old).doesNotContain(current);
  }

  @Test
  void token_survives_a_restart() {
    capstan.startDaemon();
    String token = capstan.token();

    capstan.run("daemon", "restart").assertExit(0);

    assertThat(capstan.token()).isEqualTo(token);
    try (DaemonHttp http = capstan.http()) {
      assertThat(http.authorized("GET", "/api/daemon", token).status()).isEqualTo(200);
    }
  }

  @Test
  void token_rotate_without_a_daemon_rewrites_the_file_and_starts_nothing() {
    capstan.startDaemon();
    capstan.run("daemon", "stop").assertExit(0);
    String old = capstan.token();

    CliResult rotate = capstan.run("token", "rotate");

    rotate.assertExit(0);
    assertThat(capstan.token()).isNotEqualTo(old);
    assertThat(rotate.output()).doesNotContain(capstan.token());
    assertThat(capstan.daemonProcesses()).isEmpty();
  }

  private static List<JsonNode> routes(DaemonHttp http, String token) {
    DaemonHttp.Reply reply = http.authorized("GET", "/api/routes", token);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    List<JsonNode> routes = new ArrayList<>();
    reply.json().forEach(routes::add);
    assertThat(routes).isNotEmpty();
    return routes;
  }

  /** Substitutes every path parameter ({@code {id}}, {@code <id>}, {@code :id}) with a value. */
  private static String concrete(String pattern) {
    return pattern
        .replaceAll("\\{[^}/]+}", "1")
        .replaceAll("<[^>/]+>", "1")
        .replaceAll("/:[^/]+", "/1");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static String processArguments() throws IOException, InterruptedException {
    Process ps =
        new ProcessBuilder("ps", "-eo", "pid,args", "--cols", "100000")
            .redirectErrorStream(true)
            .start();
    String text = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ps.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return text;
  }
}
