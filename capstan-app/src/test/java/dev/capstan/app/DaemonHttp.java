package dev.capstan.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Talks HTTP to a daemon the way any client would: plain {@code java.net.http}, the token only in
 * the {@code Authorization} header.
 *
 * <p>Thread-safe.
 */
final class DaemonHttp implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient client;

  DaemonHttp(String baseUrl) {
    this.baseUrl = baseUrl;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
  }

  /**
   * One HTTP answer.
   *
   * @param status the status code
   * @param contentType the Content-Type header, empty if none
   * @param body the body as text
   */
  record Reply(int status, String contentType, String body) {
    /** The body as JSON. */
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
      }
    }

    /** {@code error.code} of the one error shape. */
    String errorCode() {
      return json().path("error").path("code").asText("");
    }
  }

  /** A request without credentials and without a body. */
  Reply anonymous(String method, String path) {
    return send(method, path, Optional.empty(), HttpRequest.BodyPublishers.noBody());
  }

  /** A request with {@code Authorization: Bearer token} and without a body. */
  Reply authorized(String method, String path, String token) {
    return send(method, path, Optional.of(token), HttpRequest.BodyPublishers.noBody());
  }

  /** A request with {@code Authorization: Bearer token} and a JSON body. */
  Reply authorized(String method, String path, String token, HttpRequest.BodyPublisher body) {
    return send(method, path, Optional.of(token), body);
  }

  /** Whether {@code GET /api/health} answers {@code ok}. */
  boolean healthy() {
    try {
      Reply reply = anonymous("GET", "/api/health");
      return reply.status() == 200 && reply.body().equals("ok");
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  private Reply send(
      String method, String path, Optional<String> token, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .method(method, body);
    token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + baseUrl + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
