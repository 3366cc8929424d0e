package dev.capstan.cli.client;

import com.fasterxml.jackson.core.JacksonException;
import dev.capstan.auth.AuthToken;
import dev.capstan.cli.CliException;
import dev.capstan.error.ApiError;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A small HTTP client for one daemon: bearer token in the header (never in the URL), JSON in and
 * out, errors decoded from the one error shape. Built on {@link HttpURLConnection} because it loads
 * in a fraction of the time {@code java.net.http} needs, and every CLI command pays that.
 *
 * <p>Thread-safe (holds no connection state).
 */
public final class DaemonClient implements AutoCloseable {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final AuthToken token;
  private final Duration connectTimeout;

  public DaemonClient(String baseUrl, AuthToken token, Duration connectTimeout) {
    this.baseUrl = stripSlash(Objects.requireNonNull(baseUrl, "baseUrl"));
    this.token = Objects.requireNonNull(token, "token");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  /** The daemon's base URL. */
  public String baseUrl() {
    return baseUrl;
  }

  /** A raw response. */
  public record Response(int status, String body) {}

  /** {@code GET /api/health} on any URL without credentials. */
  public static boolean probeHealth(String baseUrl, Duration timeout) {
    try {
      Response response =
          exchange(
              stripSlash(baseUrl) + "/api/health",
              "GET",
              null,
              null,
              timeout,
              timeout,
              Optional.empty());
      return response.status() == 200 && "ok".equals(response.body().trim());
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Sends a request; connection failures surface as {@link IOException}. */
  public Response send(String method, String path, String jsonBody, Duration timeout)
      throws IOException {
    return send(method, path, jsonBody, timeout, Optional.empty());
  }

  /**
   * Sends a request carrying {@code idempotencyKey} in the {@code Idempotency-Key} header; send the
   * same key again to retry it safely.
   */
  public Response send(
      String method,
      String path,
      String jsonBody,
      Duration timeout,
      Optional<IdempotencyKey> idempotencyKey)
      throws IOException {
    return exchange(
        baseUrl + path, method, jsonBody, token, connectTimeout, timeout, idempotencyKey);
  }

  private static Response exchange(
      String url,
      String method,
      String jsonBody,
      AuthToken token,
      Duration connectTimeout,
      Duration readTimeout,
      Optional<IdempotencyKey> idempotencyKey)
      throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      connection.setConnectTimeout(millis(connectTimeout));
      connection.setReadTimeout(millis(readTimeout));
      connection.setUseCaches(false);
      connection.setInstanceFollowRedirects(false);
      connection.setRequestMethod(method);
      connection.setRequestProperty("Accept", "application/json");
      // why: a CLI makes a handful of requests; a kept-alive idle connection would only make a
      // stopping daemon wait for it.
      connection.setRequestProperty("Connection", "close");
      if (token != null) {
        connection.setRequestProperty("Authorization", "Bearer " + token.value());
      }
      idempotencyKey.ifPresent(
          key -> connection.setRequestProperty(IdempotencyKey.HEADER, key.value()));
      if (jsonBody != null) {
        byte[] bytes = jsonBody.getBytes(StandardCharsets.UTF_8);
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = connection.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = connection.getResponseCode();
      InputStream stream =
          status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      String body = "";
      if (stream != null) {
        try (InputStream in = stream) {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      return new Response(status, body);
    } finally {
      connection.disconnect();
    }
  }

  private static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
  }

  /** GETs JSON and maps it to {@code type}, turning error responses into {@link CliException}. */
  public <T> T getJson(String path, Class<T> type) throws IOException {
    return decode(send("GET", path, null, DEFAULT_TIMEOUT), type);
  }

  /** POSTs JSON and maps the answer to {@code type}. */
  public <T> T postJson(String path, Object body, Class<T> type) throws IOException {
    String json = body == null ? null : Json.mapper().writeValueAsString(body);
    return decode(send("POST", path, json, DEFAULT_TIMEOUT), type);
  }

  /**
   * Sends {@code method} with an optional JSON body and maps the answer to {@code type}; an empty
   * answer (204) maps to {@code null}. PATCH, which {@link HttpURLConnection} cannot send, goes
   * through {@code java.net.http}.
   */
  public <T> T requestJson(String method, String path, Object body, Class<T> type)
      throws IOException {
    return requestJson(method, path, body, type, Optional.empty());
  }

  /**
   * Like {@link #requestJson(String, String, Object, Class)}, with an {@code Idempotency-Key}
   * header when {@code idempotencyKey} is present.
   */
  public <T> T requestJson(
      String method,
      String path,
      Object body,
      Class<T> type,
      Optional<IdempotencyKey> idempotencyKey)
      throws IOException {
    String json = body == null ? null : Json.mapper().writeValueAsString(body);
    Response response =
        "PATCH".equals(method)
            ? patch(baseUrl + path, json, token, connectTimeout, DEFAULT_TIMEOUT)
            : send(method, path, json, DEFAULT_TIMEOUT, idempotencyKey);
    if (response.status() < 400 && response.body().isBlank()) {
      return null;
    }
    return decode(response, type);
  }

  private static Response patch(
      String url, String jsonBody, AuthToken token, Duration connectTimeout, Duration timeout)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token.value())
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString(
                    jsonBody == null ? "{}" : jsonBody, StandardCharsets.UTF_8));
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .build()) {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the daemon", e);
    }
  }

  /** Maps a response to {@code type} or throws the decoded error. */
  public static <T> T decode(Response response, Class<T> type) {
    if (response.status() >= 400) {
      throw toException(response);
    }
    try {
      return Json.mapper().readValue(response.body(), type);
    } catch (JacksonException e) {
      throw new CliException(
          ExitCode.FAILURE,
          ErrorCode.INTERNAL,
          "The daemon answered something that is not the expected JSON: " + e.getOriginalMessage(),
          "Check that CAPSTAN_URL points at a Capstan daemon of the same version.");
    }
  }

  /** The error a non-2xx response carries. */
  public static CliException toException(Response response) {
    ApiError.Detail detail;
    try {
      detail = Json.mapper().readValue(response.body(), ApiError.class).error();
    } catch (JacksonException | NullPointerException e) {
      detail = new ApiError.Detail("HTTP_" + response.status(), response.body(), "");
    }
    ExitCode exit =
        switch (response.status()) {
          case 401 -> ExitCode.UNAUTHORIZED;
          case 404 -> ExitCode.NOT_FOUND;
          default -> ExitCode.FAILURE;
        };
    ErrorCode code = ErrorCode.forStatus(response.status());
    return new CliException(exit, code, detail.message(), detail.hint());
  }

  @Override
  public void close() {
    // why: nothing to release; kept AutoCloseable so callers need not change if pooling arrives.
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
