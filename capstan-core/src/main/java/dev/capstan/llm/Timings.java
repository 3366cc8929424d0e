package dev.capstan.llm;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long one request took, measured on the monotonic clock from the moment it was sent (the first
 * attempt).
 *
 * @param timeToFirstToken until the first text, reasoning or tool-call delta; empty when none came
 * @param total until the end of the stream
 * @param attempts how many HTTP requests were made (retries before the first token count)
 */
public record Timings(Optional<Duration> timeToFirstToken, Duration total, int attempts) {
  public Timings {
    Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    Objects.requireNonNull(total, "total");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
    }
  }
}
