package dev.capstan.session;

/**
 * Runs one turn to its end: the agent loop. Implementations never throw for expected failures (an
 * unreachable LLM, a cancel); they return how the turn ended.
 */
public interface TurnExecutor {
  /**
   * Runs {@code turn}.
   *
   * @return how it ended; ignored when the daemon is stopping ({@link ActiveTurn#shuttingDown()})
   */
  TurnEnd run(ActiveTurn turn);
}
