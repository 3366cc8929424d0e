package dev.capstan.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final CircuitBreaker breaker =
      new CircuitBreaker(3, Duration.ofSeconds(2), Duration.ofSeconds(10), now::get);

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      breaker.recordFailure();
    }
  }

  @Test
  void it_opens_after_the_threshold_of_failures_in_a_row() {
    fail(2);
    assertThat(breaker.tryAcquire()).isTrue();

    fail(1);

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.retryAfter()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void a_success_resets_the_count() {
    fail(2);
    breaker.recordSuccess();
    fail(2);

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void after_the_window_one_probe_goes_through_and_the_others_wait() {
    fail(3);
    advance(Duration.ofSeconds(2));

    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
  }

  @Test
  void a_failed_probe_opens_it_for_a_growing_window_up_to_the_maximum() {
    fail(3);
    Duration[] expected = {
      Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10)
    };
    for (Duration window : expected) {
      advance(breaker.retryAfter());
      assertThat(breaker.tryAcquire()).isTrue();

      breaker.recordFailure();

      assertThat(breaker.retryAfter()).isEqualTo(window);
    }
  }

  @Test
  void a_successful_probe_closes_it_and_resets_the_window() {
    fail(3);
    advance(Duration.ofSeconds(2));
    breaker.tryAcquire();

    breaker.recordSuccess();
    fail(3);

    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.retryAfter()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void a_released_probe_lets_the_next_request_probe() {
    fail(3);
    advance(Duration.ofSeconds(2));
    breaker.tryAcquire();

    breaker.releaseProbe();

    assertThat(breaker.tryAcquire()).isTrue();
  }
}
