package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogMetrics;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.EventType;
import dev.capstan.event.EventWriteLoop;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.NewEvent;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.event.Subscription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogSqliteTest {
  @TempDir Path dir;

  private Database database;
  private EventLog log;
  private Thread writer;
  private Thread flusher;

  @BeforeEach
  void open() {
    database = Database.sqlite(dir.resolve("capstan.db"));
    log =
        new EventLog(
            new JdbcEventStore(database),
            new InProcessEventBus(),
            EventLogMetrics.NONE,
            Clock.systemUTC(),
            EventLogSettings.DEFAULTS,
            Thread.ofVirtual().factory());
    writer = Thread.ofPlatform().start(log.writeLoop());
    flusher = Thread.ofPlatform().start(log.flushLoop());
  }

  @AfterEach
  void close() throws InterruptedException {
    log.shutdown();
    writer.join(10_000);
    flusher.interrupt();
    flusher.join(10_000);
    database.close();
  }

  @Test
  void concurrent_producers_on_one_stream_get_strictly_increasing_gap_free_seqs() throws Exception {
    StreamName stream = StreamName.task(1);
    List<CompletableFuture<StoredEvent>> futures = Collections.synchronizedList(new ArrayList<>());

    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      producers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 500; i++) {
                      futures.add(log.append(stream, new EventData.DaemonStopping("p" + i)));
                    }
                  }));
    }
    for (Thread producer : producers) {
      producer.join();
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();

    List<Long> seqs = log.read(stream, 0, 10_000).stream().map(StoredEvent::seq).toList();
    assertThat(seqs).hasSize(4000);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1L);
    }
    assertThat(log.lastSeq(stream)).isEqualTo(4000);
  }

  @Test
  void output_replay_reproduces_exactly_the_text_a_live_subscriber_saw() throws Exception {
    StreamName stream = StreamName.task(7);
    List<StoredEvent> live = new CopyOnWriteArrayList<>();
    Subscription subscription = log.subscribe(stream, 0, sink(live));
    StringBuilder expected = new StringBuilder();

    for (int i = 0; i < 20_000; i++) {
      String line = "line " + i + (i % 7 == 0 ? " partial" : "\n");
      expected.append(line);
      log.appendOutput(stream, line);
    }
    log.flushOutput();

    await().atMost(Duration.ofSeconds(30)).until(() -> text(live).length() == expected.length());
    subscription.close();
    assertThat(text(live)).isEqualTo(expected.toString());
    assertThat(text(log.read(stream, 0, 10_000))).isEqualTo(expected.toString());
    assertThat(live.size()).isLessThan(2_000);
  }

  @Test
  void a_subscriber_that_starts_mid_stream_gets_replay_then_live_without_gap_or_duplicate()
      throws Exception {
    StreamName stream = StreamName.task(9);
    for (int i = 0; i < 1_000; i++) {
      log.append(stream, new EventData.DaemonStopping("before " + i));
    }
    List<StoredEvent> seen = new CopyOnWriteArrayList<>();

    Subscription subscription = log.subscribe(stream, 250, sink(seen));
    List<CompletableFuture<StoredEvent>> after = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      after.add(log.append(stream, new EventData.DaemonStopping("after " + i)));
    }
    CompletableFuture.allOf(after.toArray(CompletableFuture[]::new)).join();

    await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 1_750);
    subscription.close();
    List<Long> seqs = seen.stream().map(StoredEvent::seq).toList();
    assertThat(seqs).hasSize(1_750).doesNotHaveDuplicates().isSorted();
    assertThat(seqs.getFirst()).isEqualTo(251);
    assertThat(seqs.getLast()).isEqualTo(2_000);
  }

  @Test
  void output_cut_into_chunks_in_the_middle_of_an_emoji_is_stored_intact() throws Exception {
    StreamName stream = StreamName.task(11);
    String text = "x" + "\ud83d\ude80".repeat(20_000) + "\n";

    log.appendOutput(stream, text);
    log.flushOutput();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> text(log.read(stream, 0, 100)).length() >= text.length());
    assertThat(log.read(stream, 0, 100)).hasSizeGreaterThan(1);
    assertThat(text(log.read(stream, 0, 100))).isEqualTo(text);
  }

  private static Subscription.Sink sink(List<StoredEvent> into) {
    return new Subscription.Sink() {
      @Override
      public void event(StoredEvent event) {
        into.add(event);
      }

      @Override
      public void overflow(StreamName stream, long lastSeq) {
        throw new IllegalStateException("unexpected overflow at " + lastSeq);
      }
    };
  }

  private static String text(List<StoredEvent> events) {
    StringBuilder text = new StringBuilder();
    for (StoredEvent event : events) {
      String data = event.dataJson();
      try {
        text.append(
            dev.capstan.json.Json.mapper().readValue(data, EventData.OutputChunk.class).text());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return text.toString();
  }

  @Test
  void events_queued_while_the_writer_waits_for_its_turn_commit_with_its_batch() throws Exception {
    List<Integer> batches = new CopyOnWriteArrayList<>();
    EventLogMetrics counting =
        new EventLogMetrics() {
          @Override
          public void batchCommitted(int size, long nanos) {
            batches.add(size);
          }

          @Override
          public void batchFailed(int size) {}

          @Override
          public void overflow() {}
        };
    EventWriteLoop loop =
        new EventWriteLoop(
            new JdbcEventStore(database), new InProcessEventBus(), counting, 100, 100);
    StreamName stream = StreamName.task(77);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    database.inWriteTransaction(
                        handle -> {
                          holding.countDown();
                          release.await();
                          return null;
                        });
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    holding.await();
    CompletableFuture<StoredEvent> first = loop.enqueue(outputEvent(stream, "1"));
    Thread writing = Thread.ofPlatform().start(loop::runOnce);
    await().until(() -> writing.getState() == Thread.State.WAITING);
    CompletableFuture<StoredEvent> second = loop.enqueue(outputEvent(stream, "2"));
    CompletableFuture<StoredEvent> third = loop.enqueue(outputEvent(stream, "3"));
    release.countDown();
    writing.join(10_000);
    other.join(10_000);

    assertThat(batches).containsExactly(3);
    assertThat(List.of(first.get(), second.get(), third.get()))
        .extracting(StoredEvent::seq)
        .containsExactly(1L, 2L, 3L);
  }

  private static NewEvent outputEvent(StreamName stream, String text) {
    return new NewEvent(
        stream,
        EventType.TASK_OUTPUT,
        Instant.parse("2030-01-02T03:04:05Z"),
        "{\"text\":\"" + text + "\"}");
  }
}
