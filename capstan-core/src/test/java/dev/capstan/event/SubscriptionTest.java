package dev.capstan.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.time.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Replay-then-live handover and overflow of one {@link Subscription}, on an in-memory store. The
 * writer is driven with {@link EventWriteLoop#runOnce()} on the test thread and publication can be
 * held back ({@link GatedEventBus}), so the interleavings are staged, not hoped for.
 */
class SubscriptionTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final StreamName STREAM = StreamName.task(1);
  private static final int QUEUE = 4;

  private final InMemoryEventStore store = new InMemoryEventStore();
  private final GatedEventBus bus = new GatedEventBus();
  private final CountingMetrics metrics = new CountingMetrics();
  private final List<Thread> pumps = new CopyOnWriteArrayList<>();
  private final ThreadFactory pumpThreads =
      task -> {
        Thread thread = Thread.ofVirtual().name("pump-" + pumps.size()).unstarted(task);
        pumps.add(thread);
        return thread;
      };
  private final EventLog log =
      new EventLog(
          store,
          bus,
          metrics,
          MutableClock.create(),
          new EventLogSettings(
              10_000, 10_000, 1_024, Duration.ofMillis(20), QUEUE, Duration.ofDays(30), 1L << 30),
          pumpThreads);

  @Test
  void a_subscriber_gets_the_replay_then_live_events_in_order() {
    commit(5);
    RecordingSink sink = new RecordingSink();

    Subscription subscription = log.subscribe(STREAM, 2, sink);
    awaitParked();
    commit(3);

    await().atMost(PATIENCE).until(() -> sink.seqs.size() == 6);
    assertThat(sink.seqs).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
    subscription.close();
  }

  @Test
  void a_subscriber_that_blocks_gets_what_was_queued_then_overflow_with_its_last_seq() {
    RecordingSink sink = new RecordingSink();
    sink.blockAt(1);
    log.subscribe(STREAM, 0, sink);
    awaitParked();
    commit(1);
    await().atMost(PATIENCE).until(() -> sink.blocked.getCount() == 0);

    commit(QUEUE + 1);
    commit(3);
    sink.release();

    await().atMost(PATIENCE).until(() -> sink.ended.get() == 1);
    assertThat(sink.seqs).isEqualTo(LongStream.rangeClosed(1, 1 + QUEUE).boxed().toList());
    assertThat(sink.overflowAt).containsExactly(1L + QUEUE);
    assertThat(metrics.overflows).hasValue(1);
    assertThat(log.listenerCount()).isZero();
  }

  @Test
  void an_overflow_during_the_replay_is_caught_up_from_the_store_without_telling_the_subscriber() {
    commit(10);
    RecordingSink sink = new RecordingSink();
    sink.blockAt(1);
    log.subscribe(STREAM, 0, sink);
    await().atMost(PATIENCE).until(() -> sink.blocked.getCount() == 0);

    commit(QUEUE + 3);
    sink.release();

    await().atMost(PATIENCE).until(() -> sink.seqs.size() == 10 + QUEUE + 3);
    assertThat(sink.seqs).isEqualTo(LongStream.rangeClosed(1, 10 + QUEUE + 3).boxed().toList());
    assertThat(sink.overflowAt).isEmpty();
    commit(1);
    await().atMost(PATIENCE).until(() -> sink.seqs.size() == 10 + QUEUE + 4);
  }

  @Test
  void an_overflow_of_events_the_replay_already_delivered_is_not_a_silent_stall() {
    RecordingSink sink = new RecordingSink();
    bus.close();
    commit(QUEUE + 2);
    log.subscribe(STREAM, 0, sink);
    await().atMost(PATIENCE).until(() -> sink.seqs.size() == QUEUE + 2);
    awaitParked();

    // why: the replay read these from the store before their publication reached the live queue;
    // they fill it with events the subscriber already has, and the next one does not fit.
    bus.open();
    commit(1);

    await("the next event or an overflow")
        .atMost(PATIENCE)
        .until(() -> sink.seqs.contains(QUEUE + 3L) || !sink.overflowAt.isEmpty());
    assertThat(sink.seqs).doesNotHaveDuplicates();
    assertThat(sink.overflowAt).allMatch(lastSeq -> lastSeq == sink.seqs.getLast());
  }

  @Test
  void close_ends_the_subscription_once_and_unregisters_it() {
    RecordingSink sink = new RecordingSink();
    Subscription subscription = log.subscribe(STREAM, 0, sink);
    awaitParked();

    subscription.close();
    subscription.close();

    await().atMost(PATIENCE).until(() -> sink.ended.get() == 1);
    assertThat(log.listenerCount()).isZero();
    commit(1);
    assertThat(sink.seqs).isEmpty();
  }

  /**
   * Property: whatever the split between replayed and live events, and however the writer's batches
   * fall, a subscriber sees every seq after its start exactly once, in order.
   */
  @Test
  void the_handover_from_replay_to_live_never_loses_or_repeats_an_event() throws Exception {
    Random random = new Random(777);
    EventLog big =
        new EventLog(
            store,
            new InProcessEventBus(),
            EventLogMetrics.NONE,
            MutableClock.create(),
            EventLogSettings.DEFAULTS,
            Thread.ofVirtual().factory());
    Thread writer = Thread.ofPlatform().start(big.writeLoop());
    try {
      for (int round = 0; round < 40; round++) {
        StreamName stream = StreamName.task(100 + round);
        int before = random.nextInt(0, 1_200);
        int during = random.nextInt(1, 1_200);
        for (int i = 0; i < before; i++) {
          big.append(stream, new EventData.DaemonStopping("before"));
        }
        long after = before == 0 ? 0 : random.nextLong(0, before + 1L);
        RecordingSink sink = new RecordingSink();

        Subscription subscription = big.subscribe(stream, after, sink);
        for (int i = 0; i < during; i++) {
          big.append(stream, new EventData.DaemonStopping("during"));
        }

        long total = before + during;
        await("round " + round)
            .pollInterval(Duration.ofMillis(5))
            .atMost(PATIENCE)
            .until(() -> sink.seqs.size() >= total - after);
        subscription.close();
        assertThat(sink.seqs)
            .as("round %d: %d before, %d during, after %d", round, before, during, after)
            .isEqualTo(LongStream.rangeClosed(after + 1, total).boxed().toList());
        assertThat(sink.overflowAt).isEmpty();
      }
    } finally {
      big.shutdown();
      writer.join(PATIENCE);
    }
  }

  // --- fixtures

  /** Appends {@code count} events and commits them (and publishes them, unless the bus is shut). */
  private void commit(int count) {
    for (int i = 0; i < count; i++) {
      log.append(STREAM, new EventData.DaemonStopping("event"));
    }
    log.writeLoop().runOnce();
  }

  /** Waits until the latest pump waits for live events. */
  private void awaitParked() {
    await("the pump waits")
        .atMost(PATIENCE)
        .until(() -> !pumps.isEmpty() && pumps.getLast().getState() == Thread.State.WAITING);
  }

  /** Records what a subscription delivers; can block on one event until released. */
  private static final class RecordingSink implements Subscription.Sink {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<Long> overflowAt = new CopyOnWriteArrayList<>();
    final AtomicInteger ended = new AtomicInteger();
    final CountDownLatch blocked = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile long blockAt = -1;

    void blockAt(long seq) {
      blockAt = seq;
    }

    void release() {
      released.countDown();
    }

    @Override
    public void event(StoredEvent event) throws InterruptedException {
      seqs.add(event.seq());
      if (event.seq() == blockAt) {
        blocked.countDown();
        assertThat(released.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      }
    }

    @Override
    public void overflow(StreamName stream, long lastSeq) {
      overflowAt.add(lastSeq);
    }

    @Override
    public void ended() {
      ended.incrementAndGet();
    }
  }

  /** Counts overflows. */
  private static final class CountingMetrics implements EventLogMetrics {
    final AtomicLong overflows = new AtomicLong();

    @Override
    public void batchCommitted(int size, long nanos) {}

    @Override
    public void batchFailed(int size) {}

    @Override
    public void overflow() {
      overflows.incrementAndGet();
    }
  }
}
