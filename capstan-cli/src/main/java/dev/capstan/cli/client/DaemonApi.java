package dev.capstan.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.config.ResolvedSettings;
import dev.capstan.idempotency.IdempotencyKey;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * JSON calls on the daemon's REST API for the data commands ({@code repo}, {@code task}, {@code
 * limits}, {@code cluster}, {@code gc}). Every call goes through the {@link DaemonConnector}, so a
 * crashed daemon is restarted before the call and an answer is always the daemon's JSON, or a
 * {@link dev.capstan.cli.CliException} carrying the one error shape's message and hint.
 *
 * <p>Confined to the command's thread.
 */
public final class DaemonApi {
  private final DaemonConnector connector;

  public DaemonApi(DaemonConnector connector) {
    this.connector = connector;
  }

  /** An API for the daemon of {@code context}'s home (or {@code CAPSTAN_URL}). */
  public static DaemonApi of(CliContext context) {
    ResolvedSettings resolved = SettingsLoader.load(context, Map.of());
    return new DaemonApi(new DaemonConnector(context, resolved.settings(), List.of()));
  }

  /** The connector underneath, for followers. */
  public DaemonConnector connector() {
    return connector;
  }

  /** {@code GET path}. */
  public JsonNode get(String path) {
    return request("GET", path, null);
  }

  /** {@code POST path} with {@code body} as JSON ({@code null}: no body). */
  public JsonNode post(String path, Object body) {
    return request("POST", path, body);
  }

  /** {@code PUT path} with {@code body} as JSON. */
  public JsonNode put(String path, Object body) {
    return request("PUT", path, body);
  }

  /** {@code PATCH path} with {@code body} as JSON. */
  public JsonNode patch(String path, Object body) {
    return request("PATCH", path, body);
  }

  /** {@code DELETE path}. */
  public JsonNode delete(String path) {
    return request("DELETE", path, null);
  }

  private JsonNode request(String method, String path, Object body) {
    JsonNode answer = connector.call(call(method, path, body));
    return answer == null ? NullNode.getInstance() : answer;
  }

  /**
   * One logical request. A POST carries an {@code Idempotency-Key} drawn once here, so the
   * guardian's retry after a lost daemon sends the same key and the daemon answers with what the
   * first attempt created, if it got that far, instead of creating it twice.
   */
  static DaemonConnector.DaemonCall<JsonNode> call(String method, String path, Object body) {
    Optional<IdempotencyKey> key =
        "POST".equals(method) ? Optional.of(newIdempotencyKey()) : Optional.empty();
    return connection -> {
      try (DaemonClient client = connection.client()) {
        return client.requestJson(method, path, body, JsonNode.class, key);
      }
    };
  }

  /** A fresh random idempotency key, for one logical request. */
  public static IdempotencyKey newIdempotencyKey() {
    return new IdempotencyKey(UUID.randomUUID().toString());
  }

  /** {@code value} encoded as one URL path segment or query value. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
