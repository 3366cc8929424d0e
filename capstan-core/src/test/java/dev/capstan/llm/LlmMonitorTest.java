package dev.capstan.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InMemoryEventStore;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StreamName;
import dev.capstan.llm.testing.ScriptedLlmServer;
import dev.capstan.time.MutableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LlmMonitorTest {
  private final ScriptedLlmServer llm = ScriptedLlmServer.start();

  @AfterEach
  void stop() {
    llm.close();
  }

  @Test
  void llm_status_is_emitted_on_change_only() throws Exception {
    InMemoryEventStore store = new InMemoryEventStore();
    EventLog events =
        new EventLog(
            store,
            new InProcessEventBus(),
            dev.capstan.event.EventLogMetrics.NONE,
            MutableClock.create(),
            EventLogSettings.DEFAULTS,
            Thread.ofVirtual().factory());
    Thread writer = Thread.ofVirtual().start(events.writeLoop());
    OpenAiCompatibleClient client =
        new OpenAiCompatibleClient(
            OpenAiCompatibleClientTest.fast(llm.baseUrl()),
            Optional.empty(),
            CircuitBreaker.withDefaults());
    LlmMonitor monitor =
        new LlmMonitor(client, events, MutableClock.create(), Duration.ofSeconds(2));

    LlmStatus healthy = monitor.check();
    monitor.check();
    llm.stop();
    LlmStatus down = monitor.check();
    monitor.check();
    llm.restart();
    llm.models();
    LlmStatus empty = monitor.check();

    assertThat(healthy.healthy()).isTrue();
    assertThat(healthy.models()).containsExactly("test-model");
    assertThat(down.reachable()).isFalse();
    assertThat(down.error().orElseThrow().code()).isEqualTo("LLM_UNREACHABLE");
    assertThat(empty.reachable()).isTrue();
    assertThat(empty.error().orElseThrow().code()).isEqualTo("NO_MODEL_LOADED");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(events.read(StreamName.SYSTEM, 0, 100))
                    .extracting(event -> event.type())
                    .containsExactly("llm.status", "llm.status", "llm.status"));
    writer.interrupt();
  }
}
