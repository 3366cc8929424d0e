package dev.capstan.session;

import dev.capstan.tool.CancelToken;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A turn that is running now: its cancel signal, and whether the daemon is stopping under it.
 *
 * <p>Thread-safe: the worker runs it, any thread may cancel it.
 */
public final class ActiveTurn {
  private final Turn turn;
  private final Session session;
  private final List<ConversationMessage> opening;
  private final CancelToken cancel = new CancelToken();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final CompletableFuture<Boolean> claim = new CompletableFuture<>();
  private final AtomicBoolean claimStarted = new AtomicBoolean();
  private volatile Runnable claimer = () -> {};
  private volatile boolean shuttingDown;

  ActiveTurn(Turn turn, Session session, List<ConversationMessage> opening) {
    this.turn = Objects.requireNonNull(turn, "turn");
    this.session = Objects.requireNonNull(session, "session");
    this.opening = List.copyOf(opening);
  }

  /** The turn as it was when it started. */
  public Turn turn() {
    return turn;
  }

  /** Its session. */
  public Session session() {
    return session;
  }

  /** The messages stored with the claim that started the turn (empty for a resumed turn). */
  List<ConversationMessage> opening() {
    return opening;
  }

  /** Fires when the turn is cancelled or the daemon stops: aborts the LLM call, kills commands. */
  public CancelToken cancelToken() {
    return cancel;
  }

  /** Whether the turn was cancelled by a person (not stopped by a shutdown). */
  public boolean cancelled() {
    return cancel.isCancelled() && !shuttingDown;
  }

  /** Whether the daemon is stopping: the turn must end without writing an outcome. */
  public boolean shuttingDown() {
    return shuttingDown;
  }

  void cancel() {
    cancel.cancel();
  }

  void stopForShutdown() {
    shuttingDown = true;
    cancel.cancel();
  }

  /** What {@link #startClaim} runs: it starts the claim and later reports it. */
  void claimWith(Runnable claimer) {
    this.claimer = Objects.requireNonNull(claimer, "claimer");
  }

  /**
   * Starts the claim that moves the turn queued → running, once: when the first LLM request is on
   * its way (so the claim's commit and event neither delay nor compete with building it), or when
   * something first waits for it.
   */
  void startClaim() {
    if (claimStarted.compareAndSet(false, true)) {
      claimer.run();
    }
  }

  /** The claim that moves the turn to running has committed ({@code won}) or lost. */
  void claimDone(boolean won) {
    claim.complete(won);
  }

  /** The claim could not be made (the store failed). */
  void claimFailed(RuntimeException failure) {
    claim.completeExceptionally(failure);
  }

  /**
   * Waits for the claim that moves the turn queued → running: whether it won (committed, and {@code
   * turn.started} appended). The claim is one store write, so the wait is bounded by the store's
   * own timeouts.
   *
   * @throws RuntimeException the store's failure when the claim could not be made
   */
  boolean awaitClaim() {
    startClaim();
    try {
      return claim.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  void markEnded() {
    ended.countDown();
  }

  /** Waits up to {@code millis} for the turn to end; returns whether it did. */
  boolean awaitEnd(long millis) {
    try {
      return ended.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
