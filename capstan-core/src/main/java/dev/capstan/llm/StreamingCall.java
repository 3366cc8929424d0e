package dev.capstan.llm;

import dev.capstan.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One streaming chat completion: attempts with backoff until the first token, then one stream to
 * its end, under the connect, first-token, idle and total deadlines.
 *
 * <p>Thread-safe: {@link #run} runs on its own thread; the body arrives on the HTTP client's
 * threads; {@link #cancel} may come from anywhere. Delivery to the listener and cancellation share
 * one lock, so no callback follows a completed {@code cancel()}.
 */
final class StreamingCall implements LlmCall {
  private static final Duration BASE_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);
  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  private final OpenAiCompatibleClient client;
  private final ChatRequest request;
  private final StreamListener listener;
  private final String url;
  private final CompletableFuture<ChatResult> result = new CompletableFuture<>();
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  private final ReentrantLock delivery = new ReentrantLock();
  private volatile boolean ended;
  private volatile Attempt current;
  private volatile boolean probing;

  StreamingCall(OpenAiCompatibleClient client, ChatRequest request, StreamListener listener) {
    this.client = client;
    this.request = request;
    this.listener = listener;
    this.url = client.settings().url().toString();
  }

  @Override
  public ChatResult await() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw cancelledException();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  @Override
  public Optional<ChatResult> await(Duration timeout) {
    try {
      return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw cancelledException();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  @Override
  public void cancel() {
    delivery.lock();
    try {
      if (ended) {
        return;
      }
      ended = true;
    } finally {
      delivery.unlock();
    }
    cancelled.complete(null);
    Attempt attempt = current;
    if (attempt != null) {
      attempt.abort();
    }
    if (probing) {
      client.breaker().releaseProbe();
    }
    result.completeExceptionally(cancelledException());
  }

  @Override
  public boolean isDone() {
    return result.isDone();
  }

  /** Runs the request to its end; completes the result. */
  void run() {
    long startNanos = System.nanoTime();
    long totalDeadline = startNanos + client.settings().totalTimeout().toNanos();
    int attempts = 0;
    try {
      if (!client.breaker().tryAcquire()) {
        Duration wait = client.breaker().retryAfter();
        throw new LlmException(
            ErrorCode.LLM_UNREACHABLE,
            "LLM server at "
                + url
                + " is unreachable: "
                + client.breaker().consecutiveFailures()
                + " failures in a row, next try in "
                + Math.max(1, wait.toSeconds())
                + "s",
            ErrorMessages.hintFor(ErrorCode.LLM_UNREACHABLE, url));
      }
      probing = client.breaker().state() == CircuitBreaker.State.HALF_OPEN;
      String model = client.modelFor(request);
      int retries = 0;
      while (true) {
        checkNotCancelled();
        attempts++;
        Attempt attempt = new Attempt(model, client.sendUsageOption(), startNanos, totalDeadline);
        current = attempt;
        try {
          ChatResult done = attempt.run(attempts);
          client.breaker().recordSuccess();
          finish(done);
          return;
        } catch (RetryWithoutUsageOption e) {
          client.stopSendingUsageOption();
          attempts--;
        } catch (AttemptFailed e) {
          if (attempt.reachedServer) {
            client.breaker().recordSuccess();
          }
          if (e.failure.code() == ErrorCode.NO_MODEL_LOADED) {
            client.forgetDefaultModel();
          }
          boolean retry =
              e.retryable
                  && !attempt.deliveredAnything()
                  && retries < client.settings().maxRetries()
                  && !ended;
          if (!retry) {
            if (e.failure.code() == ErrorCode.LLM_UNREACHABLE) {
              client.breaker().recordFailure();
            }
            throw e.failure;
          }
          retries++;
          Duration backoff = backoff(retries, e.retryAfter);
          if (System.nanoTime() + backoff.toNanos() - totalDeadline > 0) {
            throw e.failure;
          }
          pause(backoff);
        }
      }
    } catch (LlmException e) {
      fail(e);
    } catch (RuntimeException e) {
      fail(
          new LlmException(
              ErrorCode.LLM_ERROR,
              "The request to the LLM server at " + url + " failed: " + e,
              ErrorMessages.hintFor(ErrorCode.LLM_ERROR, url),
              false,
              e));
    } finally {
      probing = false;
    }
  }

  private void finish(ChatResult done) {
    delivery.lock();
    try {
      if (ended) {
        return;
      }
      ended = true;
    } finally {
      delivery.unlock();
    }
    result.complete(done);
  }

  private void fail(LlmException failure) {
    delivery.lock();
    try {
      if (ended) {
        return;
      }
      ended = true;
    } finally {
      delivery.unlock();
    }
    result.completeExceptionally(failure);
  }

  private void checkNotCancelled() {
    if (ended) {
      throw cancelledException();
    }
  }

  private void pause(Duration backoff) {
    try {
      cancelled.get(backoff.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
    throw cancelledException();
  }

  private static Duration backoff(int retry, Optional<Duration> retryAfter) {
    long millis = BASE_BACKOFF.toMillis() << Math.min(retry - 1, 10);
    Duration exponential = Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    return retryAfter
        .map(wait -> wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait)
        .filter(wait -> wait.compareTo(exponential) > 0)
        .orElse(exponential);
  }

  private LlmException cancelledException() {
    return new LlmException(
        ErrorCode.CANCELLED,
        "The request to the LLM server at " + url + " was cancelled",
        ErrorMessages.hintFor(ErrorCode.CANCELLED, url));
  }

  private static LlmException unwrap(Throwable cause) {
    if (cause instanceof LlmException llm) {
      return llm;
    }
    return new LlmException(
        ErrorCode.LLM_ERROR, "The LLM request failed: " + cause, "", false, cause);
  }

  /** One HTTP request of the call. */
  private final class Attempt {
    private final String model;
    private final boolean includeUsage;
    private final long startNanos;
    private final long totalDeadline;
    private final CompletableFuture<Void> bodyDone = new CompletableFuture<>();
    private final StreamDecoder decoder;
    private final SseParser parser;
    private volatile CompletableFuture<HttpResponse<Void>> exchange;
    private volatile Flow.Subscription subscription;
    private volatile long lastActivityNanos;
    private volatile long firstTokenNanos = -1;
    private volatile boolean reachedServer;
    private volatile int status = -1;
    private volatile String errorBody = "";
    private volatile Optional<Duration> retryAfter = Optional.empty();
    private volatile boolean delivered;

    Attempt(String model, boolean includeUsage, long startNanos, long totalDeadline) {
      this.model = model;
      this.includeUsage = includeUsage;
      this.startNanos = startNanos;
      this.totalDeadline = totalDeadline;
      this.decoder = new StreamDecoder(new GuardedListener(), url);
      this.parser = new SseParser(decoder::accept);
    }

    /** Whether any delta (text, reasoning or a piece of a tool call) arrived. */
    boolean deliveredAnything() {
      return delivered || decoder.sawFirstToken();
    }

    ChatResult run(int attemptNumber) throws AttemptFailed, RetryWithoutUsageOption {
      String body = RequestBodies.chat(request, model, includeUsage).toString();
      HttpRequest httpRequest =
          client
              .authorized(HttpRequest.newBuilder(client.endpoint("/chat/completions")))
              .header("Content-Type", "application/json")
              .header("Accept", "text/event-stream")
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      long attemptStart = System.nanoTime();
      lastActivityNanos = attemptStart;
      exchange = client.http().sendAsync(httpRequest, this::subscriberFor);
      listener.onRequestSent();
      exchange.whenComplete(
          (response, error) -> {
            if (error != null) {
              bodyDone.completeExceptionally(error);
            }
          });
      if (ended) {
        abort();
      }
      waitForBody(attemptStart);
      if (status != 200) {
        throwStatusFailure();
      }
      delivery.lock();
      try {
        if (ended) {
          throw new AttemptFailed(cancelledException(), false, Optional.empty());
        }
        parser.finish();
        long end = System.nanoTime();
        Timings timings =
            new Timings(
                firstTokenNanos < 0
                    ? Optional.empty()
                    : Optional.of(Duration.ofNanos(firstTokenNanos - startNanos)),
                Duration.ofNanos(end - startNanos),
                attemptNumber);
        return decoder.finish(model, timings);
      } catch (LlmException e) {
        // why: a stream that ended before the answer did is worth a retry only when nothing of it
        // reached the listener; an error object from the server is not.
        boolean retryable = !deliveredAnything() && decoder.endedEarly();
        throw new AttemptFailed(e, retryable, Optional.empty());
      } catch (SseParser.SseFormatException e) {
        throw classify(e);
      } finally {
        delivery.unlock();
      }
    }

    private void waitForBody(long attemptStart) throws AttemptFailed {
      long firstTokenDeadline = attemptStart + client.settings().firstTokenTimeout().toNanos();
      while (true) {
        long now = System.nanoTime();
        long deadline =
            decoder.sawFirstToken()
                ? lastActivityNanos + client.settings().idleTimeout().toNanos()
                : firstTokenDeadline;
        if (deadline - totalDeadline > 0) {
          deadline = totalDeadline;
        }
        long wait = deadline - now;
        if (wait <= 0) {
          abort();
          throw new AttemptFailed(timeout(now, firstTokenDeadline), false, Optional.empty());
        }
        try {
          bodyDone.get(wait, TimeUnit.NANOSECONDS);
          return;
        } catch (TimeoutException e) {
          // loop: recompute the deadline (activity may have moved it)
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          cancel();
          throw new AttemptFailed(cancelledException(), false, Optional.empty());
        } catch (ExecutionException e) {
          throw classify(e.getCause());
        }
      }
    }

    private LlmException timeout(long now, long firstTokenDeadline) {
      String what;
      if (now - totalDeadline >= 0) {
        what =
            "did not finish the answer within llm.totalTimeout ("
                + client.settings().totalTimeout().toSeconds()
                + "s)";
      } else if (!decoder.sawFirstToken()) {
        what =
            "sent no token within llm.firstTokenTimeout ("
                + client.settings().firstTokenTimeout().toSeconds()
                + "s)";
      } else {
        what =
            "went silent mid-answer for longer than llm.idleTimeout ("
                + client.settings().idleTimeout().toSeconds()
                + "s)";
      }
      return new LlmException(
          ErrorCode.LLM_TIMEOUT,
          "LLM server at " + url + " " + what,
          ErrorMessages.hintFor(ErrorCode.LLM_TIMEOUT, url),
          decoder.sawFirstToken(),
          null);
    }

    private AttemptFailed classify(Throwable error) {
      Throwable cause = error;
      while ((cause instanceof CompletionException || cause instanceof ExecutionException)
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (ended || cause instanceof CancellationException) {
        return new AttemptFailed(cancelledException(), false, Optional.empty());
      }
      if (cause instanceof LlmException llm) {
        return new AttemptFailed(llm, false, Optional.empty());
      }
      if (cause instanceof SseParser.SseFormatException format) {
        return new AttemptFailed(
            new LlmException(
                ErrorCode.LLM_ERROR,
                "LLM server at " + url + " sent a malformed stream: " + format.getMessage(),
                ErrorMessages.hintFor(ErrorCode.LLM_ERROR, url),
                decoder.sawFirstToken(),
                format),
            false,
            Optional.empty());
      }
      if (cause instanceof IOException io) {
        LlmException failure =
            Failures.fromIo(io, url, client.settings(), decoder.sawFirstToken(), status < 0);
        boolean retryable =
            failure.code() == ErrorCode.LLM_ERROR
                || (failure.code() == ErrorCode.LLM_UNREACHABLE
                    && !(io instanceof java.net.http.HttpConnectTimeoutException));
        return new AttemptFailed(failure, retryable, Optional.empty());
      }
      return new AttemptFailed(
          new LlmException(
              ErrorCode.LLM_ERROR,
              "The request to the LLM server at " + url + " failed: " + cause,
              ErrorMessages.hintFor(ErrorCode.LLM_ERROR, url),
              decoder.sawFirstToken(),
              cause),
          false,
          Optional.empty());
    }

    private void throwStatusFailure() throws AttemptFailed, RetryWithoutUsageOption {
      if (status == 400 && includeUsage && errorBody.contains("stream_options")) {
        throw new RetryWithoutUsageOption();
      }
      LlmException failure = Failures.fromStatus(status, errorBody, url, "POST /chat/completions");
      boolean retryable =
          Failures.retryableStatus(status) && failure.code() != ErrorCode.NO_MODEL_LOADED;
      throw new AttemptFailed(failure, retryable, retryAfter);
    }

    private HttpResponse.BodySubscriber<Void> subscriberFor(HttpResponse.ResponseInfo info) {
      reachedServer = true;
      status = info.statusCode();
      lastActivityNanos = System.nanoTime();
      if (status == 200) {
        return new StreamSubscriber();
      }
      retryAfter =
          info.headers()
              .firstValue("Retry-After")
              .flatMap(
                  value -> {
                    try {
                      return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
                    } catch (NumberFormatException e) {
                      return Optional.empty();
                    }
                  });
      return new ErrorBodySubscriber();
    }

    void abort() {
      Flow.Subscription active = subscription;
      if (active != null) {
        active.cancel();
      }
      CompletableFuture<HttpResponse<Void>> pending = exchange;
      if (pending != null) {
        pending.cancel(true);
      }
      bodyDone.completeExceptionally(new CancellationException("aborted"));
    }

    /** Feeds the 200 body into the parser. */
    private final class StreamSubscriber implements HttpResponse.BodySubscriber<Void> {
      @Override
      public CompletableFuture<Void> getBody() {
        return bodyDone;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (ended) {
          s.cancel();
          return;
        }
        s.request(1);
      }

      @Override
      public void onNext(List<ByteBuffer> buffers) {
        lastActivityNanos = System.nanoTime();
        delivery.lock();
        try {
          if (ended) {
            subscription.cancel();
            return;
          }
          for (ByteBuffer buffer : buffers) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            parser.feed(bytes);
          }
        } catch (RuntimeException e) {
          subscription.cancel();
          bodyDone.completeExceptionally(e);
          return;
        } finally {
          delivery.unlock();
        }
        subscription.request(1);
      }

      @Override
      public void onError(Throwable throwable) {
        bodyDone.completeExceptionally(throwable);
      }

      @Override
      public void onComplete() {
        bodyDone.complete(null);
      }
    }

    /** Keeps the first bytes of an error body. */
    private final class ErrorBodySubscriber implements HttpResponse.BodySubscriber<Void> {
      private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      @Override
      public CompletableFuture<Void> getBody() {
        return bodyDone;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
          int room = MAX_ERROR_BODY_BYTES - bytes.size();
          int take = Math.min(room, buffer.remaining());
          if (take > 0) {
            byte[] chunk = new byte[take];
            buffer.get(chunk);
            bytes.write(chunk, 0, take);
          }
        }
      }

      @Override
      public void onError(Throwable throwable) {
        errorBody = bytes.toString(StandardCharsets.UTF_8);
        // why: the status is what matters; a body cut short still tells it.
        bodyDone.complete(null);
      }

      @Override
      public void onComplete() {
        errorBody = bytes.toString(StandardCharsets.UTF_8);
        bodyDone.complete(null);
      }
    }

    /** Marks the first token and delivery; the lock is held by the caller (onNext). */
    private final class GuardedListener implements StreamListener {
      @Override
      public void onText(String text) {
        mark();
        listener.onText(text);
      }

      @Override
      public void onReasoning(String text) {
        mark();
        listener.onReasoning(text);
      }

      @Override
      public void onToolCall(ToolCall call) {
        mark();
        listener.onToolCall(call);
      }

      private void mark() {
        delivered = true;
        if (firstTokenNanos < 0) {
          firstTokenNanos = System.nanoTime();
        }
      }
    }
  }

  /** An attempt failed; whether another may follow. */
  private static final class AttemptFailed extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient LlmException failure;
    private final boolean retryable;
    private final transient Optional<Duration> retryAfter;

    AttemptFailed(LlmException failure, boolean retryable, Optional<Duration> retryAfter) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
      this.retryable = retryable;
      this.retryAfter = retryAfter;
    }
  }

  /** The server refused {@code stream_options}: ask again without it. */
  private static final class RetryWithoutUsageOption extends Exception {
    private static final long serialVersionUID = 1L;

    RetryWithoutUsageOption() {
      super("stream_options refused", null, false, false);
    }
  }
}
