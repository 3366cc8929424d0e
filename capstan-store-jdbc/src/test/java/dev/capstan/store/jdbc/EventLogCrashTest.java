package dev.capstan.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogMetrics;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.EventType;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.event.Subscription;
import dev.capstan.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability with real processes: a child JVM ({@link CrashingEventProducer}) appends at full rate
 * and is killed with SIGKILL, twice, on the same SQLite file. What it acknowledged must be there,
 * every stream must still be exactly 1..N, seqs must never be reused, and a subscriber must be able
 * to resume.
 *
 * <p>Confined to the test thread (plus one reader thread per child).
 */
class EventLogCrashTest {
  private static final int PLAIN_PRODUCERS = 3;
  private static final int OUTPUT_PRODUCERS = 2;
  private static final int ACKS_PER_ROUND = 2_000;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final List<Child> children = new ArrayList<>();

  @AfterEach
  void kill_children() {
    children.forEach(Child::kill);
  }

  @Test
  void a_writer_killed_twice_keeps_every_acknowledged_event_and_never_reuses_a_seq()
      throws Exception {
    Path file = dir.resolve("capstan.db");

    Child first = Child.start(file, dir.resolve("first.err"));
    children.add(first);
    first.awaitAcks(ACKS_PER_ROUND);
    first.kill();
    Map<StreamName, Long> afterFirst = lastSeqs(file);

    Child second = Child.start(file, dir.resolve("second.err"));
    children.add(second);
    second.awaitAcks(ACKS_PER_ROUND);
    second.kill();

    try (Database database = Database.sqlite(file)) {
      JdbcEventStore store = new JdbcEventStore(database);
      for (StreamName stream : allStreams()) {
        List<StoredEvent> events = readAll(store, stream);
        long last = store.lastSeq(stream);
        assertThat(events).as("events of %s", stream).isNotEmpty();
        assertThat(events)
            .extracting(StoredEvent::seq)
            .as("seqs of %s are 1..N without gap or duplicate", stream)
            .isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        assertThat(first.acked(stream))
            .as("acknowledged by the first child on %s", stream)
            .allMatch(seq -> seq <= afterFirst.get(stream));
        assertThat(second.acked(stream))
            .as("the second child continued after the first one's last seq on %s", stream)
            .allMatch(seq -> seq > afterFirst.get(stream) && seq <= last);
        events.forEach(EventLogCrashTest::assertCompleteData);
      }
      for (int index = 0; index < OUTPUT_PRODUCERS; index++) {
        StreamName stream = CrashingEventProducer.outputStream(index);
        List<StoredEvent> events = readAll(store, stream);
        int boundary = (int) (long) afterFirst.get(stream);
        assertThat(text(events.subList(0, boundary)))
            .as("output of %s before the first crash", stream)
            .isEqualTo(expectedOutput(index, text(events.subList(0, boundary)).length()));
        assertThat(text(events.subList(boundary, events.size())))
            .as("output of %s before the second crash", stream)
            .isEqualTo(
                expectedOutput(index, text(events.subList(boundary, events.size())).length()));
      }
    }
    assertResumable(file, StreamName.TASKS, second);
  }

  /**
   * The next append continues at N+1, and a subscriber resuming after a seq it saw gets exactly the
   * rest, that new event included.
   */
  private static void assertResumable(Path file, StreamName stream, Child child) throws Exception {
    long lastAcked = child.acked(stream).stream().mapToLong(Long::longValue).max().orElseThrow();
    long resumeAfter = Math.max(0, lastAcked - 100);
    try (Database database = Database.sqlite(file)) {
      JdbcEventStore store = new JdbcEventStore(database);
      long stored = store.lastSeq(stream);
      EventLog log =
          new EventLog(
              store,
              new InProcessEventBus(),
              EventLogMetrics.NONE,
              Clock.systemUTC(),
              EventLogSettings.DEFAULTS,
              Thread.ofVirtual().factory());
      Thread writer = Thread.ofPlatform().start(log.writeLoop());
      List<Long> seen = new CopyOnWriteArrayList<>();
      try (Subscription ignored = log.subscribe(stream, resumeAfter, collect(seen))) {
        StoredEvent next =
            log.append(stream, new EventData.DaemonStopping("after the crash"))
                .get(30, TimeUnit.SECONDS);

        assertThat(next.seq()).as("next seq on %s", stream).isEqualTo(stored + 1);
        await().atMost(PATIENCE).until(() -> seen.size() >= next.seq() - resumeAfter);
        assertThat(seen)
            .as("resumed after %d on %s", resumeAfter, stream)
            .isEqualTo(LongStream.rangeClosed(resumeAfter + 1, next.seq()).boxed().toList());
      } finally {
        log.shutdown();
        writer.join(Duration.ofSeconds(10));
      }
    }
  }

  // --- fixtures

  private static List<StreamName> allStreams() {
    List<StreamName> streams = new ArrayList<>(CrashingEventProducer.PLAIN_STREAMS);
    for (int index = 0; index < OUTPUT_PRODUCERS; index++) {
      streams.add(CrashingEventProducer.outputStream(index));
    }
    return streams;
  }

  private static Map<StreamName, Long> lastSeqs(Path file) {
    try (Database database = Database.sqlite(file)) {
      JdbcEventStore store = new JdbcEventStore(database);
      Map<StreamName, Long> last = new HashMap<>();
      for (StreamName stream : allStreams()) {
        last.put(stream, store.lastSeq(stream));
      }
      return last;
    }
  }

  private static List<StoredEvent> readAll(JdbcEventStore store, StreamName stream) {
    List<StoredEvent> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<StoredEvent> page = store.read(stream, after, 5_000);
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.getLast().seq();
    }
  }

  /** The payload is one whole JSON object that decodes to its type's record. */
  private static void assertCompleteData(StoredEvent event) {
    EventType type = EventType.fromWireName(event.type()).orElseThrow();
    try {
      JsonNode data = Json.mapper().readTree(event.dataJson());
      assertThat(data.isObject()).as("data of %s#%d", event.stream(), event.seq()).isTrue();
      assertThat(Json.mapper().treeToValue(data, type.dataClass())).isNotNull();
      assertThat(Json.mapper().readTree(event.toJson()).path("seq").asLong())
          .isEqualTo(event.seq());
    } catch (IOException e) {
      throw new AssertionError(
          "torn data in " + event.stream() + "#" + event.seq() + ": " + event.dataJson(), e);
    }
  }

  private static String text(List<StoredEvent> events) {
    StringBuilder text = new StringBuilder();
    for (StoredEvent event : events) {
      try {
        text.append(Json.mapper().readValue(event.dataJson(), EventData.OutputChunk.class).text());
      } catch (IOException e) {
        throw new AssertionError("not an output chunk: " + event.dataJson(), e);
      }
    }
    return text.toString();
  }

  /** The first {@code length} characters that output producer {@code index} writes. */
  private static String expectedOutput(int index, int length) {
    StringBuilder text = new StringBuilder(length + 100);
    for (long n = 0; text.length() < length; n++) {
      text.append(CrashingEventProducer.line(index, n));
    }
    return text.substring(0, length);
  }

  private static Subscription.Sink collect(List<Long> seqs) {
    return new Subscription.Sink() {
      @Override
      public void event(StoredEvent event) {
        seqs.add(event.seq());
      }

      @Override
      public void overflow(StreamName stream, long lastSeq) {
        throw new IllegalStateException("unexpected overflow after " + lastSeq);
      }
    };
  }

  /** One {@link CrashingEventProducer} process and the acknowledgements it printed. */
  private static final class Child {
    private final Process process;
    private final Path stderr;
    private final Map<StreamName, List<Long>> acks = new ConcurrentHashMap<>();
    private final AtomicInteger ackCount = new AtomicInteger();
    private final Thread reader;

    private Child(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      this.reader = Thread.ofPlatform().daemon().name("ack-reader").start(this::readAcks);
    }

    static Child start(Path file, Path stderr) throws IOException {
      String java = ProcessHandle.current().info().command().orElseThrow();
      Process process =
          new ProcessBuilder(
                  java,
                  "-XX:TieredStopAtLevel=1",
                  "-Xshare:auto",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashingEventProducer.class.getName(),
                  file.toString(),
                  Integer.toString(PLAIN_PRODUCERS),
                  Integer.toString(OUTPUT_PRODUCERS))
              .redirectError(stderr.toFile())
              .start();
      return new Child(process, stderr);
    }

    /** Waits until the child acknowledged {@code count} events, some on every stream. */
    void awaitAcks(int count) {
      await("acknowledgements of the child; stderr: " + stderr())
          .atMost(PATIENCE)
          .until(
              () ->
                  ackCount.get() >= count
                          && allStreams().stream().allMatch(stream -> acked(stream).size() > 10)
                      || !process.isAlive());
      assertThat(process.isAlive()).as("child alive; stderr: %s", stderr()).isTrue();
    }

    /** SIGKILL, then waits until the child is gone and its output is read. */
    void kill() {
      process.destroyForcibly();
      try {
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed child exits").isTrue();
        reader.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    List<Long> acked(StreamName stream) {
      return acks.getOrDefault(stream, List.of());
    }

    private void readAcks() {
      try (Reader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        StringBuilder line = new StringBuilder();
        int next;
        while ((next = out.read()) != -1) {
          if (next != '\n') {
            line.append((char) next);
            continue;
          }
          // why: only whole lines count; the kill may cut the last one short ("ACK tasks 1"
          // of "ACK tasks 17"), and that one never gets its newline.
          String[] fields = line.toString().split(" ");
          line.setLength(0);
          if (fields.length == 3 && fields[0].equals("ACK")) {
            acks.computeIfAbsent(StreamName.parse(fields[1]), key -> new CopyOnWriteArrayList<>())
                .add(Long.parseLong(fields[2]));
            ackCount.incrementAndGet();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private String stderr() {
      try (Stream<String> lines = Files.lines(stderr)) {
        return String.join("\n", lines.limit(40).toList());
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }
  }
}
