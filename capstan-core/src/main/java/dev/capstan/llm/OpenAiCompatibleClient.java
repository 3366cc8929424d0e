package dev.capstan.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.config.CapstanSettings.LlmSettings;
import dev.capstan.error.ErrorCode;
import dev.capstan.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LlmClient} for OpenAI-compatible servers (LM Studio, Ollama, vLLM, llama.cpp server,
 * MLX servers), on {@code java.net.http} and Jackson.
 *
 * <p>Requests carry {@code Authorization: Bearer} only when an API key is set. {@code
 * stream_options.include_usage} is asked for; a server that rejects it with a 400 naming it is
 * asked again without it, and never again with it. The {@link CircuitBreaker} is consulted before
 * every chat request: while it is open, requests fail at once with {@code LLM_UNREACHABLE}.
 *
 * <p>Thread-safe.
 */
public final class OpenAiCompatibleClient implements LlmClient, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenAiCompatibleClient.class);

  /** How long a model list fetched to pick the default model is reused. */
  static final Duration MODEL_CACHE_TTL = Duration.ofSeconds(30);

  private final LlmSettings settings;
  private final Optional<LlmApiKey> apiKey;
  private final CircuitBreaker breaker;
  private final Object httpLock = new Object();
  private HttpClient http; // guarded by httpLock; built on first use
  private boolean closed; // guarded by httpLock
  private final AtomicBoolean sendUsageOption = new AtomicBoolean(true);
  private final AtomicReference<CachedModel> defaultModel = new AtomicReference<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();

  /**
   * A client.
   *
   * @param settings where the server is and the timeouts
   * @param apiKey the API key, if any
   * @param breaker shared with the {@code LlmMonitor}
   */
  public OpenAiCompatibleClient(
      LlmSettings settings, Optional<LlmApiKey> apiKey, CircuitBreaker breaker) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.breaker = Objects.requireNonNull(breaker, "breaker");
  }

  /** The settings it runs with. */
  public LlmSettings settings() {
    return settings;
  }

  /** The breaker it consults. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  @Override
  public List<String> listModels() {
    return listModels(settings.connectTimeout().plus(settings.firstTokenTimeout()));
  }

  /**
   * The model ids the server lists, waiting at most {@code timeout}. Does not consult the breaker
   * (the health check uses it as the probe), but tells it the outcome.
   *
   * @throws LlmException {@code LLM_UNREACHABLE}, {@code LLM_TIMEOUT} or {@code LLM_ERROR}
   */
  public List<String> listModels(Duration timeout) {
    String url = settings.url().toString();
    HttpRequest request =
        authorized(HttpRequest.newBuilder(endpoint("/models")))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http().send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      LlmException failure = Failures.fromIo(e, url, settings, false, true);
      if (failure.code() == ErrorCode.LLM_UNREACHABLE) {
        breaker.recordFailure();
      }
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException(
          ErrorCode.CANCELLED, "Listing the models of " + url + " was interrupted", "");
    }
    breaker.recordSuccess();
    String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    if (response.statusCode() != 200) {
      throw Failures.fromStatus(response.statusCode(), body, url, "GET /models");
    }
    try {
      JsonNode node = Json.mapper().readTree(body);
      List<String> ids = RequestBodies.modelIds(node == null ? Json.mapper().nullNode() : node);
      defaultModel.set(ids.isEmpty() ? null : new CachedModel(ids.getFirst(), System.nanoTime()));
      return ids;
    } catch (IOException | IllegalArgumentException e) {
      throw new LlmException(
          ErrorCode.LLM_ERROR,
          "The LLM server at "
              + url
              + " answered GET /models with something that is not a model list: "
              + StreamDecoder.excerpt(body),
          ErrorMessages.hintFor(ErrorCode.LLM_ERROR, url));
    }
  }

  @Override
  public LlmCall stream(ChatRequest request, StreamListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    StreamingCall call = new StreamingCall(this, request, listener);
    Thread.ofVirtual().name("llm-call").start(call::run);
    return call;
  }

  /** Closes the HTTP client; requests in flight are aborted. */
  @Override
  public void close() {
    synchronized (httpLock) {
      closed = true;
      if (http != null) {
        http.shutdownNow();
      }
    }
  }

  /**
   * The model a request uses: its own, the configured one, or the first the server lists (cached
   * for {@link #MODEL_CACHE_TTL}).
   *
   * @throws LlmException {@code NO_MODEL_LOADED} when the server lists none
   */
  String modelFor(ChatRequest request) {
    if (request.model().isPresent()) {
      return request.model().get();
    }
    if (settings.model().isPresent()) {
      return settings.model().get();
    }
    CachedModel cached = defaultModel.get();
    if (cached != null) {
      if (System.nanoTime() - cached.fetchedAtNanos() >= MODEL_CACHE_TTL.toNanos()) {
        refreshDefaultModel();
      }
      // why: a request never waits for the model list once one is known; a stale pick that the
      // server refuses (NO_MODEL_LOADED) is forgotten, and the next request asks again.
      return cached.id();
    }
    List<String> ids = listModels(settings.connectTimeout().plus(Duration.ofSeconds(10)));
    if (ids.isEmpty()) {
      throw new LlmException(
          ErrorCode.NO_MODEL_LOADED,
          "The LLM server at " + settings.url() + " lists no models",
          ErrorMessages.hintFor(ErrorCode.NO_MODEL_LOADED, settings.url().toString()));
    }
    return ids.getFirst();
  }

  /** Fetches the model list again in the background, once at a time. */
  private void refreshDefaultModel() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual()
        .name("llm-models-refresh")
        .start(
            () -> {
              try {
                listModels(settings.connectTimeout().plus(Duration.ofSeconds(10)));
              } catch (RuntimeException e) {
                // The old pick stays; a request it fails forgets it.
                log.debug("refreshing the default model failed: {}", e.getMessage());
              } finally {
                refreshing.set(false);
              }
            });
  }

  /** Forgets the cached default model (the server said it is gone). */
  void forgetDefaultModel() {
    defaultModel.set(null);
  }

  /**
   * The HTTP client, built on first use: building one sets up TLS, which costs a noticeable part of
   * the daemon's start, and a daemon that never talks to an LLM should not pay for it.
   */
  HttpClient http() {
    synchronized (httpLock) {
      if (closed) {
        throw new IllegalStateException("the LLM client is closed");
      }
      if (http == null) {
        http =
            HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
      }
      return http;
    }
  }

  boolean sendUsageOption() {
    return sendUsageOption.get();
  }

  void stopSendingUsageOption() {
    sendUsageOption.set(false);
  }

  URI endpoint(String path) {
    return URI.create(settings.url().toString() + path);
  }

  HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key.reveal()));
    return builder;
  }

  private record CachedModel(String id, long fetchedAtNanos) {}
}
