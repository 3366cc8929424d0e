package dev.capstan.llm;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The health of the LLM server as of one check: the payload of {@code GET /api/llm/status}, {@code
 * capstan llm status} and the {@code llm.status} event.
 *
 * <p>Immutable and thread-safe.
 *
 * @param url the server's base URL
 * @param reachable whether {@code GET /models} answered
 * @param models the model ids it lists, empty when unreachable
 * @param configuredModel the configured model; empty means "the first listed"
 * @param modelLoaded whether the model Capstan would use is listed
 * @param latencyMs how long {@code GET /models} took, when it answered
 * @param error what is wrong, when something is
 * @param checkedAt when the check ran
 */
public record LlmStatus(
    String url,
    boolean reachable,
    List<String> models,
    Optional<String> configuredModel,
    boolean modelLoaded,
    Optional<Long> latencyMs,
    Optional<Problem> error,
    Instant checkedAt) {
  public LlmStatus {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(configuredModel, "configuredModel");
    Objects.requireNonNull(latencyMs, "latencyMs");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(checkedAt, "checkedAt");
    models = List.copyOf(models);
  }

  /** Whether a turn could start now: reachable with the model loaded. */
  public boolean healthy() {
    return reachable && modelLoaded && error.isEmpty();
  }

  /** The model Capstan would use: the configured one, or the first listed. */
  public Optional<String> effectiveModel() {
    return configuredModel.or(() -> models.stream().findFirst());
  }

  /**
   * Whether this status differs from {@code other} in anything but timing ({@code latencyMs},
   * {@code checkedAt}): the test for emitting an {@code llm.status} event.
   */
  public boolean differsFrom(LlmStatus other) {
    return reachable != other.reachable
        || modelLoaded != other.modelLoaded
        || !url.equals(other.url)
        || !models.equals(other.models)
        || !configuredModel.equals(other.configuredModel)
        || !error.map(Problem::code).equals(other.error.map(Problem::code));
  }

  /**
   * What is wrong.
   *
   * @param code {@code LLM_UNREACHABLE}, {@code NO_MODEL_LOADED}, {@code LLM_TIMEOUT} or {@code
   *     LLM_ERROR}
   * @param message what happened, naming the server
   * @param hint what to do about it
   */
  public record Problem(String code, String message, String hint) {
    public Problem {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(hint, "hint");
    }
  }
}
