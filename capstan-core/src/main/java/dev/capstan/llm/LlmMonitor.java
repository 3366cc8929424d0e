package dev.capstan.llm;

import dev.capstan.error.ErrorCode;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the health of the LLM server ({@code GET /models}, bounded by a short timeout) and keeps
 * the last {@link LlmStatus}. A check that differs from the previous one (reachability, models,
 * whether the configured model is loaded, error code) is appended as an {@code llm.status} event on
 * {@code system}; an unchanged one is not. Checks feed the shared {@link CircuitBreaker}, so the
 * periodic check is what closes it again once the server is back.
 *
 * <p>Thread-safe.
 */
public final class LlmMonitor {
  private static final Logger log = LoggerFactory.getLogger(LlmMonitor.class);

  /** The default bound of one check. */
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(3);

  private final OpenAiCompatibleClient client;
  private final EventLog events;
  private final Clock clock;
  private final Duration checkTimeout;
  private final AtomicReference<LlmStatus> last = new AtomicReference<>();

  /**
   * A monitor.
   *
   * @param client the client whose server and breaker it checks
   * @param events where changes are appended
   * @param clock for {@code checkedAt}
   * @param checkTimeout the bound of one check
   */
  public LlmMonitor(
      OpenAiCompatibleClient client, EventLog events, Clock clock, Duration checkTimeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.events = Objects.requireNonNull(events, "events");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.checkTimeout = Objects.requireNonNull(checkTimeout, "checkTimeout");
  }

  /** The last status, if a check ran. */
  public Optional<LlmStatus> lastStatus() {
    return Optional.ofNullable(last.get());
  }

  /** Checks now, records the status, emits {@code llm.status} if it changed, and returns it. */
  public LlmStatus check() {
    LlmStatus status = probe();
    LlmStatus previous = last.getAndSet(status);
    if (previous == null || status.differsFrom(previous)) {
      log.info(
          "llm status url={} reachable={} modelLoaded={} error={}",
          status.url(),
          status.reachable(),
          status.modelLoaded(),
          status.error().map(LlmStatus.Problem::code).orElse("none"));
      events.append(StreamName.SYSTEM, toEvent(status));
    }
    return status;
  }

  private LlmStatus probe() {
    String url = client.settings().url().toString();
    Optional<String> configured = client.settings().model();
    long start = System.nanoTime();
    List<String> models;
    try {
      models = client.listModels(checkTimeout);
    } catch (LlmException e) {
      boolean reachable =
          e.code() != ErrorCode.LLM_UNREACHABLE && e.code() != ErrorCode.LLM_TIMEOUT;
      return new LlmStatus(
          url,
          reachable,
          List.of(),
          configured,
          false,
          Optional.empty(),
          Optional.of(new LlmStatus.Problem(e.code().name(), e.getMessage(), e.hint())),
          clock.instant());
    }
    long latencyMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
    boolean loaded = configured.map(models::contains).orElse(!models.isEmpty());
    Optional<LlmStatus.Problem> problem = Optional.empty();
    if (!loaded) {
      String message =
          models.isEmpty()
              ? "LLM server at " + url + " is up but has no model loaded"
              : "LLM server at "
                  + url
                  + " does not list the configured model "
                  + configured.orElse("")
                  + " (it lists: "
                  + String.join(", ", models)
                  + ")";
      problem =
          Optional.of(
              new LlmStatus.Problem(
                  ErrorCode.NO_MODEL_LOADED.name(),
                  message,
                  ErrorMessages.hintFor(ErrorCode.NO_MODEL_LOADED, url)));
    }
    return new LlmStatus(
        url, true, models, configured, loaded, Optional.of(latencyMs), problem, clock.instant());
  }

  /** The event payload of a status. */
  public static EventData.LlmStatusChanged toEvent(LlmStatus status) {
    return new EventData.LlmStatusChanged(
        status.url(),
        status.reachable(),
        status.models(),
        status.configuredModel(),
        status.modelLoaded(),
        status.latencyMs(),
        status.error().map(LlmStatus.Problem::code),
        status.error().map(LlmStatus.Problem::message),
        status.checkedAt());
  }
}
