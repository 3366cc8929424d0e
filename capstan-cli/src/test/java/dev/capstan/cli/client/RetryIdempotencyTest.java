package dev.capstan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.auth.AuthToken;
import dev.capstan.cli.ContractServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guardian's retry after a lost daemon sends the very request again, with the same {@code
 * Idempotency-Key}, so a daemon that had stored the first one answers with it instead of storing a
 * second one.
 */
class RetryIdempotencyTest {
  private final ContractServer server = new ContractServer();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void close() {
    server.close();
  }

  private Connection connection() {
    return new Connection(
        server.url(),
        new AuthToken(ContractServer.TOKEN),
        Optional.empty(),
        false,
        Optional.empty());
  }

  private JsonNode retrying(DaemonConnector.DaemonCall<JsonNode> call) {
    return DaemonConnector.retryingOnce(
        call, connection(), this::connection, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void the_retry_of_a_lost_post_carries_the_key_of_the_first_attempt() {
    server.on("POST", "/api/tasks", 201, "{\"id\":7}").dropping("POST", "/api/tasks", 1);

    JsonNode answer =
        retrying(DaemonApi.call("POST", "/api/tasks", Map.of("repo", "acme", "prompt", "go")));

    assertThat(answer.path("id").asInt()).isEqualTo(7);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("retrying once");
    assertThat(server.requests()).hasSize(2);
    String firstKey = server.requests().get(0).idempotencyKey();
    assertThat(firstKey).matches("[A-Za-z0-9_-]{1,128}");
    assertThat(server.requests().get(1).idempotencyKey()).isEqualTo(firstKey);
    assertThat(server.requests().get(1).body()).isEqualTo(server.requests().get(0).body());
  }

  @Test
  void each_logical_post_draws_its_own_key_and_reads_carry_none() {
    server.on("POST", "/api/tasks", 201, "{\"id\":1}").on("GET", "/api/tasks", 200, "{}");

    retrying(DaemonApi.call("POST", "/api/tasks", Map.of("prompt", "a")));
    retrying(DaemonApi.call("POST", "/api/tasks", Map.of("prompt", "a")));
    retrying(DaemonApi.call("GET", "/api/tasks", null));

    assertThat(server.requests()).hasSize(3);
    assertThat(server.requests().get(0).idempotencyKey())
        .isNotNull()
        .isNotEqualTo(server.requests().get(1).idempotencyKey());
    assertThat(server.requests().get(2).idempotencyKey()).isNull();
  }
}
