package dev.capstan.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  @Test
  void stands_still_until_advanced() {
    MutableClock clock = MutableClock.at(Instant.parse("2030-05-06T07:08:09Z"));

    Instant first = clock.instant();
    Instant second = clock.instant();

    assertThat(first).isEqualTo(second).isEqualTo(Instant.parse("2030-05-06T07:08:09Z"));
  }

  @Test
  void advance_moves_the_clock_by_the_amount_and_returns_the_new_instant() {
    MutableClock clock = MutableClock.create();

    Instant moved = clock.advance(Duration.ofMinutes(3));

    assertThat(moved).isEqualTo(MutableClock.DEFAULT_START.plus(Duration.ofMinutes(3)));
    assertThat(clock.instant()).isEqualTo(moved);
    assertThat(clock.millis()).isEqualTo(moved.toEpochMilli());
  }

  @Test
  void set_puts_the_clock_at_an_instant() {
    MutableClock clock = MutableClock.create();

    clock.set(Instant.EPOCH);

    assertThat(clock.instant()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void a_zoned_copy_moves_together_with_the_original() {
    MutableClock clock = MutableClock.create();
    var paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofHours(1));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(clock.instant());
  }

  @Test
  void concurrent_advances_are_never_lost() throws Exception {
    MutableClock clock = MutableClock.create();

    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      IntStream.range(0, 10_000)
          .forEach(i -> pool.execute(() -> clock.advance(Duration.ofMillis(1))));
    }

    assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START.plusSeconds(10));
  }
}
