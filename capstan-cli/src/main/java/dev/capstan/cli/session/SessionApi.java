package dev.capstan.cli.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.cli.client.DaemonApi;
import dev.capstan.cli.client.DaemonClient;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session and approval routes as the CLI calls them: every call goes through the {@link
 * DaemonConnector} (so a dead daemon is replaced first), JSON in and out, errors in the one shape
 * turned into CLI errors.
 *
 * <p>Confined to the command's thread.
 */
final class SessionApi {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final DaemonConnector connector;

  SessionApi(CliContext context) {
    this.connector =
        new DaemonConnector(context, SettingsLoader.load(context, Map.of()).settings(), List.of());
  }

  DaemonConnector connector() {
    return connector;
  }

  JsonNode get(String path) {
    return call("GET", path, null);
  }

  JsonNode post(String path, Object body) {
    return call("POST", path, body);
  }

  JsonNode patch(String path, Object body) {
    return call("PATCH", path, body);
  }

  JsonNode delete(String path) {
    return call("DELETE", path, null);
  }

  private JsonNode call(String method, String path, Object body) {
    String json;
    try {
      json = body == null ? null : Json.mapper().writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the request", e);
    }
    // why: drawn once, before the first attempt, so the guardian's retry sends the same key and a
    // turn the lost daemon had already queued is not queued twice.
    Optional<IdempotencyKey> key =
        "POST".equals(method) ? Optional.of(DaemonApi.newIdempotencyKey()) : Optional.empty();
    return connector.call(
        connection -> {
          try (DaemonClient client = connection.client()) {
            return DaemonClient.decode(
                client.send(method, path, json, TIMEOUT, key), JsonNode.class);
          }
        });
  }

  /** A path segment, encoded. */
  static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Who decides, in {@code decidedBy}: the local user, as the CLI knows it. */
  static String decider(CliContext context) {
    String user = context.env().getOrDefault("USER", context.env().getOrDefault("USERNAME", ""));
    return user.isBlank() ? "cli" : "cli:" + user;
  }
}
