package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bearer token guards every route but the health probe, and lives only in owner-only files.
 *
 * <p>The scenarios share one daemon: none of them may change its state (an anonymous shutdown or
 * rotation that got through fails the scenario that sent it).
 */
@LinuxOnly
class AuthScenarioIT {
  @TempDir static Path tempDir;

  private static CapstanHarness capstan;

  @BeforeAll
  static void startDaemon() {
    capstan = new CapstanHarness(tempDir);
    capstan.startDaemon();
  }

  @AfterAll
  static void cleanUp() {
    capstan.close();
  }

  @Test
  void every_route_but_health_answers_401_without_a_token_or_with_a_wrong_one() {
    CapstanHarness.Manifest manifest = capstan.manifest();
    String token = capstan.token();
    String wrong = CapstanHarness.tampered(token);

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
        assertThat(forged.status()).as("%s %s with a wrong token", method, path).isEqualTo(401);
        // why: a HEAD answer never has a body to carry the error shape.
        if (!method.equals("HEAD")) {
          assertThat(anonymous.errorCode()).as("%s %s", method, path).isEqualTo("UNAUTHORIZED");
          assertThat(anonymous.json().path("error").path("hint").asText()).isNotBlank();
          assertThat(forged.errorCode()).as("%s %s", method, path).isEqualTo("UNAUTHORIZED");
        }
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
    assertThat(mode(capstan.home())).isEqualTo("rwx------");
    assertThat(mode(capstan.home().resolve("auth.json"))).isEqualTo("rw-------");
    assertThat(mode(capstan.home().resolve("daemon.json"))).isEqualTo("rw-------");
    assertThat(mode(capstan.home().resolve("logs"))).isEqualTo("rwx------");
  }

  @Test
  void manifest_holds_no_token() {
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
}
