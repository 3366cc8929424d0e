package dev.capstan.agent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an agent is about to run, as the runtime tells it to {@link Agent#launch}. Paths are as the
 * agent's process will see them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param task the task
 * @param workspace the worktree the agent runs in (its working directory)
 * @param privateDir a directory outside the worktree for the run's own files (the prompt file, the
 *     agent's {@link AgentLaunch#files()}); it never shows in the worktree's git status
 */
public record AgentContext(AgentTask task, Path workspace, Path privateDir) {
  public AgentContext {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(privateDir, "privateDir");
  }
}
