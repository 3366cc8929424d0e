package dev.capstan.runtime;

/**
 * Receives what an agent or a setup command writes (stdout and stderr merged), as text, in order,
 * each chunk exactly as written: chunks never split a UTF-8 character, and concatenating them gives
 * the whole output. Chunk boundaries carry no meaning (they are not lines).
 *
 * <p>Called from one runtime thread per run, never concurrently for one run. A slow sink delays
 * delivery, not the run's deadlines; an exception thrown by the sink is logged and the run goes on.
 */
@FunctionalInterface
public interface OutputSink {
  /** A sink that drops everything. */
  OutputSink DISCARD = text -> {};

  /** Receives the next chunk of output. */
  void accept(String text);
}
