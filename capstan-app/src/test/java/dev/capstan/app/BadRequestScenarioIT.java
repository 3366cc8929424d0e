package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests get the one error shape with a precise code, never a stack trace, and the daemon
 * keeps serving. The shutdown route is the target wherever a body matters: if a bad body slipped
 * through, the daemon would stop and the scenario would see it.
 *
 * <p>The scenarios share one daemon: none of them may change its state, and each checks afterwards
 * that it still serves, so a request that broke it fails the scenario that sent it.
 */
@LinuxOnly
class BadRequestScenarioIT {
  private static final int LIMIT = 1024;

  @TempDir static Path tempDir;

  private static CapstanHarness capstan;
  private static DaemonHttp http;
  private static String token;

  @BeforeAll
  static void startDaemon() {
    capstan = new CapstanHarness(tempDir).withEnv("CAPSTAN_MAX_REQUEST_BYTES", LIMIT + "b");
    http = capstan.http(capstan.startDaemon());
    token = capstan.token();
  }

  @AfterAll
  static void cleanUp() {
    http.close();
    capstan.close();
  }

  @Test
  void malformed_json_is_invalid_json_and_the_daemon_keeps_serving() {
    DaemonHttp.Reply reply = post("/api/daemon/shutdown", json("{\"reason\": \"x\""));

    assertError(reply, 400, "INVALID_JSON");
    assertStillServing();
  }

  @Test
  void json_that_is_not_an_object_is_invalid_json() {
    DaemonHttp.Reply reply = post("/api/daemon/shutdown", json("[1, 2, 3]"));

    assertError(reply, 400, "INVALID_JSON");
    assertStillServing();
  }

  @Test
  void unknown_json_field_is_invalid_json_naming_the_field() {
    DaemonHttp.Reply reply =
        post("/api/daemon/shutdown", json("{\"reason\": \"x\", \"force\": true}"));

    assertError(reply, 400, "INVALID_JSON");
    assertThat(reply.json().path("error").path("message").asText()).contains("force");
    assertStillServing();
  }

  @Test
  void body_over_the_limit_with_content_length_is_payload_too_large() {
    DaemonHttp.Reply reply = post("/api/daemon/shutdown", json(hugeShutdownRequest()));

    assertError(reply, 413, "PAYLOAD_TOO_LARGE");
    assertThat(reply.json().path("error").path("message").asText())
        .contains(Integer.toString(LIMIT));
    assertStillServing();
  }

  @Test
  void chunked_body_over_the_limit_is_payload_too_large() {
    byte[] body = hugeShutdownRequest().getBytes(StandardCharsets.UTF_8);
    // why: a body publisher of unknown length makes the client send Transfer-Encoding: chunked,
    // so no Content-Length warns the server in advance.
    HttpRequest.BodyPublisher chunked =
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));

    DaemonHttp.Reply reply = post("/api/daemon/shutdown", chunked);

    assertError(reply, 413, "PAYLOAD_TOO_LARGE");
    assertStillServing();
  }

  @Test
  void body_over_the_limit_on_a_route_that_ignores_bodies_is_payload_too_large() {
    DaemonHttp.Reply reply = post("/api/token/rotate", json(hugeShutdownRequest()));

    assertError(reply, 413, "PAYLOAD_TOO_LARGE");
    assertThat(capstan.token())
        .as("the oversized request did not rotate the token")
        .isEqualTo(token);
    assertStillServing();
  }

  @Test
  void unknown_route_is_not_found() {
    DaemonHttp.Reply reply = http.authorized("GET", "/api/no-such-route", token);

    assertError(reply, 404, "NOT_FOUND");
    assertThat(reply.json().path("error").path("message").asText()).contains("/api/no-such-route");
    assertStillServing();
  }

  @Test
  void wrong_method_is_method_not_allowed() {
    DaemonHttp.Reply getShutdown = http.authorized("GET", "/api/daemon/shutdown", token);
    DaemonHttp.Reply deleteDaemon = http.authorized("DELETE", "/api/daemon", token);

    assertError(getShutdown, 405, "METHOD_NOT_ALLOWED");
    assertError(deleteDaemon, 405, "METHOD_NOT_ALLOWED");
    assertStillServing();
  }

  private static DaemonHttp.Reply post(String path, HttpRequest.BodyPublisher body) {
    return http.authorized("POST", path, token, body);
  }

  private static HttpRequest.BodyPublisher json(String text) {
    return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
  }

  private static String hugeShutdownRequest() {
    return "{\"reason\": \"" + "x".repeat(LIMIT * 8) + "\"}";
  }

  private static void assertError(DaemonHttp.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.errorCode()).isEqualTo(code);
    assertThat(reply.json().path("error").path("message").asText()).isNotBlank();
    assertThat(reply.json().path("error").has("hint")).isTrue();
    assertThat(reply.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static void assertStillServing() {
    assertThat(http.healthy()).isTrue();
    assertThat(http.authorized("GET", "/api/daemon", token).status()).isEqualTo(200);
    assertThat(capstan.daemonProcesses()).hasSize(1);
  }
}
