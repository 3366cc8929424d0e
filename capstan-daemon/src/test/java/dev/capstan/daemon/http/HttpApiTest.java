package dev.capstan.daemon.http;

import static dev.capstan.daemon.ErrorShape.assertError;
import static dev.capstan.daemon.ErrorShape.assertErrorBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.auth.AuthToken;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.json.Json;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP surface of one daemon, shared by the tests of this class (none of them changes it). */
class HttpApiTest {
  private static final int MAX_REQUEST_BYTES = 1024;

  @TempDir static java.nio.file.Path home;

  private static RunningDaemon daemon;
  private static AuthToken initialToken;

  @BeforeAll
  static void start_daemon() {
    daemon =
        RunningDaemon.start(
            home, Map.of("http.maxRequestBytes", Integer.toString(MAX_REQUEST_BYTES)));
    initialToken = daemon.token();
  }

  @AfterAll
  static void stop_daemon() {
    daemon.close();
  }

  static Stream<RouteInfo> protectedRoutes() {
    return daemon.daemon().routes().stream().filter(route -> !route.path().equals("/api/health"));
  }

  @Test
  void the_router_knows_the_routes_of_the_contract() {
    List<RouteInfo> routes = daemon.daemon().routes();

    assertThat(routes)
        .contains(
            new RouteInfo("GET", "/api/health", false),
            new RouteInfo("GET", "/api/daemon", true),
            new RouteInfo("POST", "/api/daemon/shutdown", true),
            new RouteInfo("POST", "/api/token/rotate", true),
            new RouteInfo("GET", "/api/routes", true));
    assertThat(routes)
        .filteredOn(route -> !route.authenticated())
        .extracting(RouteInfo::path)
        .containsOnly("/api/health");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protectedRoutes")
  void every_route_but_health_rejects_a_request_without_a_token(RouteInfo route) {
    HttpResponse<String> response = daemon.send(requestFor(route, Optional.empty()));

    assertUnauthorized(response);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protectedRoutes")
  void every_route_but_health_rejects_a_wrong_token(RouteInfo route) {
    String wrong = daemon.token().value().substring(1) + "x";

    HttpResponse<String> response = daemon.send(requestFor(route, Optional.of("Bearer " + wrong)));

    assertUnauthorized(response);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protectedRoutes")
  void every_route_but_health_rejects_the_token_in_another_scheme(RouteInfo route) {
    HttpResponse<String> response =
        daemon.send(requestFor(route, Optional.of("Basic " + daemon.token().value())));

    assertUnauthorized(response);
  }

  @Test
  void health_answers_ok_in_plain_text_without_credentials() {
    HttpResponse<String> response = daemon.send(daemon.request("/api/health").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
  }

  @Test
  void health_ignores_a_wrong_token() {
    HttpResponse<String> response =
        daemon.send(daemon.request("/api/health").header("Authorization", "Bearer nope").GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  @Test
  void the_bearer_scheme_is_case_insensitive() {
    HttpResponse<String> response =
        daemon.send(
            daemon
                .request("/api/daemon")
                .header("Authorization", "bearer " + daemon.token().value())
                .GET());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void the_identity_matches_the_manifest_on_disk() throws IOException {
    DaemonManifest onDisk =
        ((ManifestFile.Read.Valid) new ManifestFile(daemon.home().manifestFile()).read())
            .manifest();

    HttpResponse<String> response = daemon.get("/api/daemon");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode identity = Json.mapper().readTree(response.body());
    assertThat(identity.get("instanceId").asText()).isEqualTo(onDisk.instanceId());
    assertThat(identity.get("pid").asLong())
        .isEqualTo(onDisk.pid())
        .isEqualTo(ProcessHandle.current().pid());
    assertThat(identity.get("port").asInt()).isEqualTo(onDisk.port());
    assertThat(identity.get("url").asText()).isEqualTo(onDisk.url());
    assertThat(identity.get("capstanVersion").asText()).isEqualTo(onDisk.capstanVersion());
    assertThat(identity.get("home").asText()).isEqualTo(onDisk.home());
    assertThat(identity.has("uptimeSeconds")).isTrue();
    assertThat(response.body()).doesNotContain(daemon.token().value());
  }

  @Test
  void uptime_follows_the_injected_clock() throws IOException {
    long before =
        Json.mapper().readTree(daemon.get("/api/daemon").body()).get("uptimeSeconds").asLong();
    daemon.clock().advance(Duration.ofSeconds(90));

    long after =
        Json.mapper().readTree(daemon.get("/api/daemon").body()).get("uptimeSeconds").asLong();

    assertThat(after - before).isEqualTo(90);
  }

  @Test
  void the_routes_route_lists_every_route_with_its_authentication() throws IOException {
    HttpResponse<String> response = daemon.get("/api/routes");

    List<RouteInfo> listed = List.of(Json.mapper().readValue(response.body(), RouteInfo[].class));
    assertThat(listed).containsExactlyElementsOf(daemon.daemon().routes());
  }

  @Test
  void malformed_json_on_shutdown_is_invalid_json_and_the_daemon_keeps_running() {
    HttpResponse<String> response =
        daemon.post("/api/daemon/shutdown", Optional.of("{\"reason\":"));

    assertError(response, 400, "INVALID_JSON");
    assertThat(daemon.send(daemon.request("/api/health").GET()).body()).isEqualTo("ok");
  }

  @Test
  void an_unknown_field_on_shutdown_is_invalid_json_naming_the_field() {
    HttpResponse<String> response =
        daemon.post("/api/daemon/shutdown", Optional.of("{\"reasn\":\"typo\"}"));

    JsonNode error = assertError(response, 400, "INVALID_JSON");
    assertThat(error.get("message").asText()).contains("reasn");
    assertThat(daemon.send(daemon.request("/api/health").GET()).body()).isEqualTo("ok");
  }

  @Test
  void json_of_the_wrong_type_on_shutdown_is_invalid_json() {
    HttpResponse<String> response = daemon.post("/api/daemon/shutdown", Optional.of("[1,2]"));

    assertError(response, 400, "INVALID_JSON");
  }

  @Test
  void a_body_over_the_limit_with_content_length_is_payload_too_large() {
    String body = "{\"reason\":\"" + "x".repeat(MAX_REQUEST_BYTES) + "\"}";

    HttpResponse<String> response = daemon.post("/api/daemon/shutdown", Optional.of(body));

    JsonNode error = assertError(response, 413, "PAYLOAD_TOO_LARGE");
    assertThat(error.get("message").asText()).contains(Integer.toString(MAX_REQUEST_BYTES));
    assertThat(daemon.send(daemon.request("/api/health").GET()).body()).isEqualTo("ok");
  }

  @Test
  void a_body_of_exactly_the_limit_is_read() {
    String prefix = "{\"reasn\":\"";
    String body = prefix + "x".repeat(MAX_REQUEST_BYTES - prefix.length() - 2) + "\"}";

    HttpResponse<String> response = daemon.post("/api/daemon/shutdown", Optional.of(body));

    assertThat(body).hasSize(MAX_REQUEST_BYTES);
    assertError(response, 400, "INVALID_JSON");
  }

  @Test
  void a_chunked_body_over_the_limit_is_payload_too_large() {
    byte[] body =
        ("{\"reason\":\"" + "x".repeat(MAX_REQUEST_BYTES * 4) + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response =
        daemon.send(
            daemon
                .authorized("/api/daemon/shutdown")
                .header("Content-Type", "application/json")
                // why: a body publisher of unknown length makes the client send it chunked.
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));

    assertError(response, 413, "PAYLOAD_TOO_LARGE");
    assertThat(daemon.send(daemon.request("/api/health").GET()).body()).isEqualTo("ok");
  }

  @Test
  void a_chunked_body_within_the_limit_is_read() {
    byte[] body = "{\"reasn\":1}".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response =
        daemon.send(
            daemon
                .authorized("/api/daemon/shutdown")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));

    assertError(response, 400, "INVALID_JSON");
  }

  @Test
  void an_unknown_route_is_not_found() {
    HttpResponse<String> response = daemon.get("/api/nothing-here");

    JsonNode error = assertError(response, 404, "NOT_FOUND");
    assertThat(error.get("message").asText()).contains("/api/nothing-here");
  }

  @Test
  void an_unknown_route_without_a_token_is_unauthorized_and_reveals_nothing() {
    HttpResponse<String> response = daemon.send(daemon.request("/api/nothing-here").GET());

    assertUnauthorized(response);
  }

  @Test
  void a_wrong_method_is_method_not_allowed() {
    HttpResponse<String> response = daemon.send(daemon.authorized("/api/daemon").DELETE());

    JsonNode error = assertError(response, 405, "METHOD_NOT_ALLOWED");
    assertThat(error.get("message").asText()).contains("DELETE").contains("/api/daemon");
  }

  @Test
  void a_wrong_method_on_health_is_method_not_allowed() {
    HttpResponse<String> response =
        daemon.send(daemon.request("/api/health").POST(HttpRequest.BodyPublishers.noBody()));

    assertError(response, 405, "METHOD_NOT_ALLOWED");
  }

  @Test
  void a_uri_too_long_for_the_server_is_answered_in_the_error_shape() {
    HttpResponse<String> response =
        daemon.send(
            HttpRequest.newBuilder(URI.create(daemon.url() + "/api/" + "a".repeat(64 * 1024)))
                .timeout(Duration.ofSeconds(10))
                .GET());

    assertError(response, 414, "URI_TOO_LONG");
  }

  @Test
  void headers_too_large_for_the_server_are_answered_in_the_error_shape() {
    HttpResponse<String> response =
        daemon.send(
            daemon.authorized("/api/daemon").header("X-Padding", "p".repeat(64 * 1024)).GET());

    assertError(response, 431, "HEADERS_TOO_LARGE");
  }

  @Test
  void a_malformed_request_line_is_answered_in_the_error_shape() throws IOException {
    String response = rawExchange("THIS IS NOT HTTP\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(headerBlock(response).toLowerCase(java.util.Locale.ROOT))
        .contains("content-type: application/json");
    assertErrorBody(bodyOf(response), "BAD_REQUEST");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/health/../daemon",
        "/api/health/%2e%2e/daemon",
        "/api/health;/../daemon",
        "/api/health/..;/daemon",
        "/api/%64aemon",
        "//api/daemon",
        "/api/./daemon",
        "/api/daemon/",
        "/api/health%00/../daemon"
      })
  void path_tricks_do_not_reach_a_protected_route_without_a_token(String path) throws IOException {
    String response =
        rawExchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

    assertThat(response).matches("(?s)HTTP/1.1 (400|401|404) .*");
    assertThat(response).doesNotContain(daemon.manifest().instanceId());
  }

  private static HttpRequest.Builder requestFor(RouteInfo route, Optional<String> authorization) {
    // why: path parameters ({id}) need some value; any will do, auth comes first.
    String path = route.path().replaceAll("\\{[^}]*}|<[^>]*>", "1");
    HttpRequest.Builder request = daemon.request(path);
    authorization.ifPresent(value -> request.header("Authorization", value));
    return request.method(route.method(), HttpRequest.BodyPublishers.noBody());
  }

  private static void assertUnauthorized(HttpResponse<String> response) {
    assertError(response, 401, "UNAUTHORIZED");
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(response.body()).doesNotContain(initialToken.value());
    // why: a rejected shutdown or rotation must not have happened anyway.
    assertThat(daemon.token()).isEqualTo(initialToken);
    assertThat(daemon.send(daemon.request("/api/health").GET()).body()).isEqualTo("ok");
  }

  private static String rawExchange(String request) throws IOException {
    DaemonManifest manifest = daemon.manifest();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(manifest.host(), manifest.port()), 10_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String headerBlock(String response) {
    return response.substring(0, response.indexOf("\r\n\r\n"));
  }

  private static String bodyOf(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }
}
