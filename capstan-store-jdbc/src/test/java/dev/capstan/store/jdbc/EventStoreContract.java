package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capstan.event.EventData;
import dev.capstan.event.EventStore;
import dev.capstan.event.EventType;
import dev.capstan.event.NewEvent;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventStore} must do, whatever the database: per-stream seqs from 1 without gaps
 * under concurrent producers, atomic batches, paging, {@code lastSeq}, and retention that only ever
 * deletes output. {@link SqliteEventStoreTest} always runs it; {@link PostgresEventStoreTest} runs
 * it when {@code CAPSTAN_TEST_PG_URL} is set.
 *
 * <p>Each test gets an empty store. Confined to the test thread, except where a test starts its own
 * producers.
 */
abstract class EventStoreContract {
  /** Data that the database is rigged to refuse, see {@link #refuseInsertsOfPoison()}. */
  static final String POISON = "{\"poison\":true}";

  static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456Z");

  private EventStore store;

  /** A migrated, empty database for this test; the subclass closes it after the test. */
  protected abstract Database database();

  /**
   * Rigs the database so that inserting an event whose data is {@link #POISON} fails inside the
   * transaction (a trigger), as a full disk or a constraint would.
   */
  protected abstract void refuseInsertsOfPoison();

  final EventStore store() {
    if (store == null) {
      store = new JdbcEventStore(database());
    }
    return store;
  }

  @Test
  void the_first_event_of_every_stream_gets_seq_1() {
    List<StoredEvent> stored =
        store()
            .append(
                List.of(
                    health(StreamName.SYSTEM, "a"),
                    output(StreamName.task(1), "x"),
                    health(StreamName.SYSTEM, "b"),
                    output(StreamName.session("s-1"), "y"),
                    output(StreamName.task(1), "z")));

    assertThat(stored)
        .extracting(event -> event.stream().value() + "#" + event.seq())
        .containsExactly("system#1", "task/1#1", "system#2", "session/s-1#1", "task/1#2");
  }

  @Test
  void append_returns_the_events_as_read_back() {
    Instant withNanos = Instant.parse("2030-01-02T03:04:05.123456789Z");
    String data =
        json(new EventData.OutputChunk("h\u00e9llo \"w\u00f6rld\" \ud83d\ude80\n\t\u0000"));

    StoredEvent stored =
        store()
            .append(
                List.of(new NewEvent(StreamName.task(5), EventType.TASK_OUTPUT, withNanos, data)))
            .getFirst();

    assertThat(stored.ts()).isEqualTo(Instant.parse("2030-01-02T03:04:05.123456Z"));
    assertThat(stored.type()).isEqualTo("task.output");
    assertThat(store().read(StreamName.task(5), 0, 10)).containsExactly(stored);
  }

  @Test
  void a_collected_batch_is_stored_like_an_appended_one_and_an_empty_one_stores_nothing() {
    List<StoredEvent> stored =
        store()
            .appendCollected(
                () -> List.of(output(StreamName.task(8), "a"), output(StreamName.task(8), "b")));
    List<StoredEvent> none = store().appendCollected(List::of);

    assertThat(stored).extracting(StoredEvent::seq).containsExactly(1L, 2L);
    assertThat(store().read(StreamName.task(8), 0, 10)).containsExactlyElementsOf(stored);
    assertThat(none).isEmpty();
  }

  @Test
  void an_empty_batch_stores_nothing() {
    List<StoredEvent> stored = store().append(List.of());

    assertThat(stored).isEmpty();
    assertThat(store().lastSeq(StreamName.SYSTEM)).isZero();
  }

  @Test
  void last_seq_is_zero_for_a_stream_without_events_and_the_highest_seq_otherwise() {
    StreamName stream = StreamName.task(3);
    for (int i = 0; i < 7; i++) {
      store().append(List.of(output(stream, "line " + i + "\n")));
    }

    long last = store().lastSeq(stream);

    assertThat(last).isEqualTo(7);
    assertThat(store().lastSeq(StreamName.task(4))).isZero();
    assertThat(store().lastSeq(StreamName.APPROVALS)).isZero();
  }

  @Test
  void concurrent_producers_on_one_stream_get_every_seq_exactly_once() throws Exception {
    EventStore events = store();
    StreamName stream = StreamName.task(42);
    int producers = 6;
    int batchesEach = 25;
    List<List<StoredEvent>> results = Collections.synchronizedList(new ArrayList<>());

    runConcurrently(
        producers,
        producer -> {
          Random random = new Random(1_000L + producer);
          for (int b = 0; b < batchesEach; b++) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = random.nextInt(1, 9); i > 0; i--) {
              batch.add(output(stream, "p" + producer + " b" + b + " i" + i + "\n"));
            }
            results.add(events.append(batch));
          }
        });

    int total = results.stream().mapToInt(List::size).sum();
    assertThat(seqsOf(results.stream().flatMap(List::stream).toList()))
        .as("seqs handed out")
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    for (List<StoredEvent> batch : results) {
      assertThat(seqsOf(batch))
          .as("a batch takes consecutive seqs in the order given")
          .isEqualTo(
              LongStream.range(batch.getFirst().seq(), batch.getFirst().seq() + batch.size())
                  .boxed()
                  .toList());
    }
    assertThat(seqsOf(readAll(stream)))
        .isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(store().lastSeq(stream)).isEqualTo(total);
  }

  @Test
  void concurrent_producers_on_many_streams_keep_every_stream_gap_free() throws Exception {
    List<StreamName> streams =
        List.of(
            StreamName.task(1),
            StreamName.task(2),
            StreamName.task(3),
            StreamName.session("alpha"),
            StreamName.TASKS,
            StreamName.SYSTEM);
    EventStore events = store();
    int producers = 6;
    int batchesEach = 20;
    Map<StreamName, List<Long>> handedOut = new HashMap<>();

    runConcurrently(
        producers,
        producer -> {
          Random random = new Random(2_000L + producer);
          for (int b = 0; b < batchesEach; b++) {
            List<NewEvent> batch = new ArrayList<>();
            // why: batches that touch several streams in different orders are where two
            // transactions could lock the same streams in opposite order.
            for (int i = random.nextInt(1, 12); i > 0; i--) {
              StreamName stream = streams.get(random.nextInt(streams.size()));
              batch.add(
                  random.nextBoolean()
                      ? output(stream, "p" + producer + "\n")
                      : health(stream, "p" + producer));
            }
            List<StoredEvent> stored = events.append(batch);
            synchronized (handedOut) {
              stored.forEach(
                  event ->
                      handedOut
                          .computeIfAbsent(event.stream(), key -> new ArrayList<>())
                          .add(event.seq()));
            }
          }
        });

    for (StreamName stream : streams) {
      List<Long> seqs = handedOut.getOrDefault(stream, List.of());
      List<Long> expected = LongStream.rangeClosed(1, seqs.size()).boxed().toList();
      assertThat(seqs)
          .as("seqs handed out on %s", stream)
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(seqsOf(readAll(stream))).as("seqs stored on %s", stream).isEqualTo(expected);
      assertThat(store().lastSeq(stream)).isEqualTo(seqs.size());
    }
  }

  @Test
  void a_batch_that_fails_leaves_no_event_and_no_hole_in_any_stream() {
    StreamName task = StreamName.task(8);
    store().append(List.of(output(task, "before\n"), health(StreamName.SYSTEM, "before")));
    refuseInsertsOfPoison();

    assertThatThrownBy(
            () ->
                store()
                    .append(
                        List.of(
                            output(task, "lost 1\n"),
                            health(StreamName.SYSTEM, "lost 2"),
                            output(StreamName.task(9), "lost 3\n"),
                            new NewEvent(task, EventType.TASK_OUTPUT, T0, POISON))))
        .isInstanceOf(RuntimeException.class);

    assertThat(readAll(task)).extracting(StoredEvent::seq).containsExactly(1L);
    assertThat(readAll(StreamName.SYSTEM)).extracting(StoredEvent::seq).containsExactly(1L);
    assertThat(readAll(StreamName.task(9))).isEmpty();
    assertThat(store().lastSeq(task)).isEqualTo(1);
    assertThat(store().lastSeq(StreamName.task(9))).isZero();
    List<StoredEvent> next = store().append(List.of(output(task, "after\n")));
    assertThat(next.getFirst().seq()).as("the failed batch burned no seq").isEqualTo(2);
  }

  @Test
  void read_pages_through_a_stream_in_seq_order() {
    StreamName stream = StreamName.task(11);
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 1; i <= 2_345; i++) {
      batch.add(output(stream, "line " + i + "\n"));
    }
    store().append(batch);
    store().append(List.of(output(StreamName.task(12), "other stream\n")));

    List<StoredEvent> all = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    long after = 0;
    while (true) {
      List<StoredEvent> page = store().read(stream, after, 1_000);
      pageSizes.add(page.size());
      if (page.isEmpty()) {
        break;
      }
      all.addAll(page);
      after = page.getLast().seq();
    }

    assertThat(pageSizes).containsExactly(1_000, 1_000, 345, 0);
    assertThat(seqsOf(all)).isEqualTo(LongStream.rangeClosed(1, 2_345).boxed().toList());
    assertThat(all).allSatisfy(event -> assertThat(event.stream()).isEqualTo(stream));
    assertThat(text(all.subList(0, 2))).isEqualTo("line 1\nline 2\n");
  }

  @Test
  void read_starts_after_the_given_seq_and_honours_the_limit() {
    StreamName stream = StreamName.session("paging");
    for (int i = 1; i <= 10; i++) {
      store().append(List.of(health(stream, "e" + i)));
    }

    List<StoredEvent> middle = store().read(stream, 4, 3);

    assertThat(seqsOf(middle)).containsExactly(5L, 6L, 7L);
    assertThat(store().read(stream, 10, 100)).isEmpty();
    assertThat(store().read(stream, 1_000, 100)).isEmpty();
    assertThat(seqsOf(store().read(stream, 9, 100))).containsExactly(10L);
  }

  @Test
  void retention_by_age_deletes_old_output_and_keeps_every_other_kind() {
    StreamName task = StreamName.task(20);
    Instant old = T0.minus(Duration.ofDays(40));
    Instant recent = T0.minus(Duration.ofDays(1));
    store()
        .append(
            List.of(
                output(task, "old 1\n", old),
                health(task, "old health", old),
                output(task, "old 2\n", old),
                output(task, "recent\n", recent),
                health(StreamName.SYSTEM, "old system", old),
                output(StreamName.task(21), "old other\n", old)));

    int deleted = store().applyRetention(T0.minus(Duration.ofDays(30)), Long.MAX_VALUE);

    assertThat(deleted).isEqualTo(3);
    assertThat(readAll(task))
        .extracting(StoredEvent::seq, StoredEvent::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, "daemon.stopping"),
            org.assertj.core.groups.Tuple.tuple(4L, "task.output"));
    assertThat(readAll(StreamName.SYSTEM)).hasSize(1);
    assertThat(readAll(StreamName.task(21))).isEmpty();
  }

  @Test
  void retention_by_size_keeps_the_newest_output_that_fits_per_stream() {
    StreamName big = StreamName.task(30);
    StreamName small = StreamName.task(31);
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      batch.add(output(big, "%03d\n".formatted(i)));
      if (i % 3 == 0) {
        batch.add(health(big, "health " + i));
      }
    }
    batch.add(output(small, "001\n"));
    batch.add(output(small, "002\n"));
    store().append(batch);
    long oneChunk = bytesOf(output(big, "001\n"));

    int deleted = store().applyRetention(T0.minus(Duration.ofDays(365)), 4 * oneChunk);

    assertThat(deleted).isEqualTo(6);
    assertThat(text(readAll(big))).isEqualTo("007\n008\n009\n010\n");
    assertThat(readAll(big)).filteredOn(event -> event.type().equals("daemon.stopping")).hasSize(3);
    assertThat(text(readAll(small))).isEqualTo("001\n002\n");
    assertThat(store().lastSeq(big)).isEqualTo(13);
  }

  @Test
  void retention_by_size_keeps_output_that_exactly_fits() {
    StreamName stream = StreamName.task(32);
    store().append(List.of(output(stream, "aaa\n"), output(stream, "bbb\n")));
    long bothChunks = bytesOf(output(stream, "aaa\n")) * 2;

    int deleted = store().applyRetention(T0.minus(Duration.ofDays(365)), bothChunks);

    assertThat(deleted).isZero();
    assertThat(text(readAll(stream))).isEqualTo("aaa\nbbb\n");
  }

  @Test
  void seqs_are_never_reused_after_retention_emptied_a_stream() {
    StreamName stream = StreamName.task(40);
    Instant old = T0.minus(Duration.ofDays(90));
    store().append(List.of(output(stream, "1\n", old), output(stream, "2\n", old)));
    store().applyRetention(T0, Long.MAX_VALUE);

    List<StoredEvent> next = store().append(List.of(output(stream, "3\n")));

    assertThat(readAll(stream)).containsExactlyElementsOf(next);
    assertThat(next.getFirst().seq()).isEqualTo(3);
    assertThat(store().lastSeq(stream)).isEqualTo(3);
  }

  // --- fixtures

  static NewEvent output(StreamName stream, String text) {
    return output(stream, text, T0);
  }

  static NewEvent output(StreamName stream, String text, Instant ts) {
    return new NewEvent(stream, EventType.TASK_OUTPUT, ts, json(new EventData.OutputChunk(text)));
  }

  static NewEvent health(StreamName stream, String reason) {
    return health(stream, reason, T0);
  }

  static NewEvent health(StreamName stream, String reason, Instant ts) {
    return new NewEvent(
        stream, EventType.DAEMON_STOPPING, ts, json(new EventData.DaemonStopping(reason)));
  }

  static String json(EventData data) {
    try {
      return Json.mapper().writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static long bytesOf(NewEvent event) {
    return event.dataJson().getBytes(StandardCharsets.UTF_8).length;
  }

  static List<Long> seqsOf(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::seq).toList();
  }

  /** The concatenated text of the output events among {@code events}. */
  static String text(List<StoredEvent> events) {
    StringBuilder text = new StringBuilder();
    for (StoredEvent event : events) {
      if (event.type().equals(EventType.TASK_OUTPUT.wireName())) {
        try {
          text.append(
              Json.mapper().readValue(event.dataJson(), EventData.OutputChunk.class).text());
        } catch (JsonProcessingException e) {
          throw new AssertionError("not an output chunk: " + event.dataJson(), e);
        }
      }
    }
    return text.toString();
  }

  List<StoredEvent> readAll(StreamName stream) {
    List<StoredEvent> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<StoredEvent> page = store().read(stream, after, 500);
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.getLast().seq();
    }
  }

  /** A producer body that may throw; a failure fails the test. */
  @FunctionalInterface
  interface Producer {
    void run(int producer) throws Exception;
  }

  /** Runs {@code count} producers at once (released together) and rethrows the first failure. */
  static void runConcurrently(int count, Producer body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < count; p++) {
        int producer = p;
        running.add(
            pool.submit(
                () -> {
                  start.await();
                  body.run(producer);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : running) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
