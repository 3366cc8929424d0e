package dev.capstan.cli.client;

import com.fasterxml.jackson.core.JacksonException;
import dev.capstan.auth.AuthToken;
import dev.capstan.cli.CliException;
import dev.capstan.error.ApiError;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import dev.capstan.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A small HTTP client for one daemon: bearer token in the header (never in the URL), JSON in and
 * out, errors decoded from the one error shape.
 *
 * <p>Thread-safe.
 */
public final class DaemonClient implements AutoCloseable {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final AuthToken token;
  private final HttpClient http;

  public DaemonClient(String baseUrl, AuthToken token, Duration connectTimeout) {
    this.baseUrl = stripSlash(Objects.requireNonNull(baseUrl, "baseUrl"));
    this.token = Objects.requireNonNull(token, "token");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The daemon's base URL. */
  public String baseUrl() {
    return baseUrl;
  }

  /** A raw response. */
  public record Response(int status, String body) {}

  /** {@code GET /api/health} without credentials; true when it answers {@code ok} in time. */
  public boolean healthy(Duration timeout) {
    return probeHealth(http, baseUrl, timeout);
  }

  /** {@code GET /api/health} on any URL without credentials. */
  public static boolean probeHealth(HttpClient http, String baseUrl, Duration timeout) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(stripSlash(baseUrl) + "/api/health"))
            .timeout(timeout)
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && "ok".equals(response.body().trim());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Sends a request; connection failures surface as {@link IOException}. */
  public Response send(String method, String path, String jsonBody, Duration timeout)
      throws IOException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token.value())
            .header("Accept", "application/json");
    if (jsonBody == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
    }
    try {
      HttpResponse<String> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
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
    ExitCode exit = response.status() == 401 ? ExitCode.UNAUTHORIZED : ExitCode.FAILURE;
    ErrorCode code = ErrorCode.forStatus(response.status());
    return new CliException(exit, code, detail.message(), detail.hint());
  }

  @Override
  public void close() {
    http.close();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
