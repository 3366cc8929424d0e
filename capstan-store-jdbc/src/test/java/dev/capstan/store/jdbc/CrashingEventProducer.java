package dev.capstan.store.jdbc;

import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogMetrics;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import dev.capstan.event.Subscription;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A child process for {@link EventLogCrashTest}: runs an {@link EventLog} on a SQLite file and
 * appends at full rate until it is killed, never stopping by itself.
 *
 * <p>Plain producers append {@code daemon.stopping} events to shared streams; output producers each
 * write numbered lines ({@link #line}) to a stream of their own through the coalescer. Every event
 * is acknowledged on stdout as {@code ACK <stream> <seq>} only once it is committed: plain events
 * when their future completes, output chunks when a live subscriber sees them (subscribers hear of
 * events only after the commit). The first line is {@code READY}.
 *
 * <p>Usage: {@code CrashingEventProducer <database file> <plain producers> <output producers>}.
 */
public final class CrashingEventProducer {
  /** The shared streams of the plain producers. */
  static final List<StreamName> PLAIN_STREAMS =
      List.of(StreamName.SYSTEM, StreamName.TASKS, StreamName.session("crash"));

  private CrashingEventProducer() {}

  /** The stream of output producer {@code index}. */
  static StreamName outputStream(int index) {
    return StreamName.task(100 + index);
  }

  /** Line {@code number} that output producer {@code index} writes, newline included. */
  static String line(int index, long number) {
    return "producer " + index + " line " + number + " " + "x".repeat((int) (number % 50)) + "\n";
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int plainProducers = Integer.parseInt(args[1]);
    int outputProducers = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    Database database = Database.sqlite(file);
    EventLog log =
        new EventLog(
            new JdbcEventStore(database),
            new InProcessEventBus(),
            EventLogMetrics.NONE,
            Clock.systemUTC(),
            EventLogSettings.DEFAULTS,
            Thread.ofVirtual().factory());
    Thread.ofPlatform().name("event-writer").start(log.writeLoop());
    Thread.ofPlatform().daemon().name("event-flush").start(log.flushLoop());
    for (int index = 0; index < outputProducers; index++) {
      acknowledgeLive(log, outputStream(index), log.lastSeq(outputStream(index)), out);
    }
    out.println("READY");

    for (int index = 0; index < plainProducers; index++) {
      int producer = index;
      Thread.ofPlatform()
          .name("plain-" + producer)
          .start(
              () -> {
                for (long n = 0; ; n++) {
                  StreamName stream = PLAIN_STREAMS.get((int) ((n + producer) % 3));
                  log.append(stream, new EventData.DaemonStopping("producer " + producer + " " + n))
                      .thenAccept(event -> acknowledge(out, event));
                }
              });
    }
    for (int index = 0; index < outputProducers; index++) {
      int producer = index;
      Thread.ofPlatform()
          .name("output-" + producer)
          .start(
              () -> {
                for (long n = 0; ; n++) {
                  String text = line(producer, n);
                  // why: also hand over partial lines, as agents print them.
                  int split = (int) (n % text.length());
                  log.appendOutput(outputStream(producer), text.substring(0, split));
                  log.appendOutput(outputStream(producer), text.substring(split));
                }
              });
    }
    new CountDownLatch(1).await();
  }

  private static void acknowledgeLive(
      EventLog log, StreamName stream, long after, PrintStream out) {
    log.subscribe(
        stream,
        after,
        new Subscription.Sink() {
          @Override
          public void event(StoredEvent event) {
            acknowledge(out, event);
          }

          @Override
          public void overflow(StreamName overflowed, long lastSeq) {
            acknowledgeLive(log, overflowed, lastSeq, out);
          }
        });
  }

  private static void acknowledge(PrintStream out, StoredEvent event) {
    out.println("ACK " + event.stream().value() + " " + event.seq());
  }
}
