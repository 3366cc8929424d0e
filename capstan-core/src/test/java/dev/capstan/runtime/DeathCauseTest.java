package dev.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeathCauseTest {

  @Test
  void a_sigkill_while_the_oom_counter_rose_is_an_oom_kill() {
    assertThat(DeathCause.classify(9, 0, 1)).isEqualTo(DeathCause.OOM_KILLED);
  }

  @Test
  void other_signals_unchanged_counters_and_unreadable_counters_are_crashes() {
    assertThat(DeathCause.classify(11, 0, 1)).isEqualTo(DeathCause.CRASHED);
    assertThat(DeathCause.classify(9, 2, 2)).isEqualTo(DeathCause.CRASHED);
    assertThat(DeathCause.classify(9, -1, 5)).isEqualTo(DeathCause.CRASHED);
    assertThat(DeathCause.classify(9, 0, -1)).isEqualTo(DeathCause.CRASHED);
  }
}
