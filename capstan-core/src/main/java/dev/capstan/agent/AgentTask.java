package dev.capstan.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * The part of a task an agent sees.
 *
 * <p>Immutable and thread-safe.
 *
 * @param taskId the task
 * @param attempt the attempt number, from 1
 * @param prompt the prompt, verbatim
 * @param command the effective command (the task's, else the repo's default), for agents that run
 *     one
 */
public record AgentTask(long taskId, int attempt, String prompt, Optional<String> command) {
  public AgentTask {
    if (taskId <= 0) {
      throw new IllegalArgumentException("taskId must be > 0, was " + taskId);
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
    }
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(command, "command");
  }
}
