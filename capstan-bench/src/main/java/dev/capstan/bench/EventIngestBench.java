package dev.capstan.bench;

import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogMetrics;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StreamName;
import dev.capstan.store.jdbc.Database;
import dev.capstan.store.jdbc.JdbcEventStore;
import dev.capstan.time.Clocks;
import dev.capstan.time.Stopwatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How fast the event log persists output: lines appended through the coalescer into one stream and
 * into 50 streams, and plain events (one per append, no coalescing), on SQLite with a synchronous
 * commit.
 */
final class EventIngestBench implements Benchmark {
  private static final int LINES = 1_000_000;
  private static final int EVENTS = 200_000;
  private static final String LINE =
      "2026-11-21T05:00:00Z INFO compiling module 42 of 97: src/main/java/Example.java ok\n";

  @Override
  public String title() {
    return "Event log ingest";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    List<Double> oneStream = new ArrayList<>();
    List<Double> fiftyStreams = new ArrayList<>();
    List<Double> plainEvents = new ArrayList<>();
    for (int run = 0; run < context.runs(); run++) {
      oneStream.add(lines(context, 1));
      fiftyStreams.add(lines(context, 50));
      plainEvents.add(events(context));
    }
    return List.of(
        new Figure(
            "Output lines/s persisted, one stream (SQLite)",
            "lines/s",
            oneStream,
            Optional.of(100_000.0),
            true,
            LINES
                + " lines of "
                + LINE.length()
                + " bytes from one producer, coalesced into"
                + " chunks, until the last chunk is committed (synchronous=FULL)"),
        new Figure(
            "Output lines/s persisted, 50 streams (SQLite)",
            "lines/s",
            fiftyStreams,
            Optional.of(100_000.0),
            true,
            "same lines from 50 producers into 50 streams"),
        new Figure(
            "Events/s persisted, one event per append (SQLite)",
            "events/s",
            plainEvents,
            Optional.empty(),
            false,
            EVENTS + " small events from 8 producers, no coalescing: group commit alone"));
  }

  private static double lines(BenchContext context, int streams) throws Exception {
    Path home = context.newHome();
    try (Harness harness = new Harness(home)) {
      List<Thread> producers = new ArrayList<>();
      Stopwatch stopwatch = Stopwatch.start();
      for (int s = 0; s < streams; s++) {
        StreamName stream = StreamName.task(s + 1);
        int count = LINES / streams;
        producers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < count; i++) {
                        harness.log.appendOutput(stream, LINE);
                      }
                    }));
      }
      for (Thread producer : producers) {
        producer.join();
      }
      harness.drain();
      return LINES / (stopwatch.elapsed().toNanos() / 1e9);
    } finally {
      Processes.deleteTree(home);
    }
  }

  private static double events(BenchContext context) throws Exception {
    Path home = context.newHome();
    try (Harness harness = new Harness(home)) {
      List<Thread> producers = new ArrayList<>();
      Stopwatch stopwatch = Stopwatch.start();
      for (int p = 0; p < 8; p++) {
        StreamName stream = StreamName.task(p + 1);
        producers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < EVENTS / 8; i++) {
                        harness.log.append(stream, new EventData.DaemonStopping("e" + i));
                      }
                    }));
      }
      for (Thread producer : producers) {
        producer.join();
      }
      harness.drain();
      return EVENTS / (stopwatch.elapsed().toNanos() / 1e9);
    } finally {
      Processes.deleteTree(home);
    }
  }

  /** An event log on a fresh SQLite file, with its writer and flusher running. */
  private static final class Harness implements AutoCloseable {
    final Database database;
    final EventLog log;
    final Thread writer;
    final Thread flusher;

    Harness(Path home) {
      database = Database.sqlite(home.resolve("capstan.db"));
      log =
          new EventLog(
              new JdbcEventStore(database),
              new InProcessEventBus(),
              EventLogMetrics.NONE,
              Clocks.system(),
              EventLogSettings.DEFAULTS,
              Thread.ofVirtual().factory());
      writer = Thread.ofPlatform().name("bench-writer").start(log.writeLoop());
      flusher = Thread.ofPlatform().name("bench-flusher").start(log.flushLoop());
    }

    /** Waits until everything appended so far is committed. */
    void drain() {
      log.flushOutput();
      // why: the writer's queue is FIFO, so once this marker is committed, so is all before it.
      CompletableFuture<?> marker =
          log.append(StreamName.SYSTEM, new EventData.DaemonStopping("bench marker"));
      marker.join();
    }

    @Override
    public void close() throws InterruptedException {
      log.shutdown();
      writer.join();
      flusher.interrupt();
      flusher.join();
      database.close();
    }
  }
}
