package dev.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CancellationTest {

  @Test
  void callbacks_run_once_however_often_cancel_is_called() {
    Cancellation cancellation = new Cancellation();
    AtomicInteger calls = new AtomicInteger();
    cancellation.onCancel(calls::incrementAndGet);

    cancellation.cancel();
    cancellation.cancel();

    assertThat(calls).hasValue(1);
    assertThat(cancellation.isCancelled()).isTrue();
  }

  @Test
  void a_callback_registered_after_cancel_runs_at_once_and_an_unregistered_one_never() {
    Cancellation cancellation = new Cancellation();
    AtomicInteger removed = new AtomicInteger();
    cancellation.onCancel(removed::incrementAndGet).run();
    cancellation.cancel();
    AtomicInteger late = new AtomicInteger();

    cancellation.onCancel(late::incrementAndGet);

    assertThat(late).hasValue(1);
    assertThat(removed).hasValue(0);
  }
}
