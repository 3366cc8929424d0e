package dev.capstan.task;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A unit of work on a repo: a prompt, an agent, a priority, and where it stands.
 *
 * <p>Immutable and thread-safe; a state change produces a new instance through {@link
 * TaskTransitions}.
 *
 * @param id numeric id, from 1
 * @param repo the repo's name
 * @param title a short title (may be empty)
 * @param prompt what the agent is asked to do
 * @param agent the agent that runs it
 * @param command the command of the {@code command} agent, if given for this task
 * @param priority higher runs first
 * @param state where it stands
 * @param attempt the number of its latest attempt, 0 before the first
 * @param generation 1, plus one per redo; names the branch (see {@code Workspaces.branchFor})
 * @param branch the branch of the latest attempt, once one started
 * @param workspace the worktree of the latest attempt, once provisioned
 * @param retries how many retries a person asked for (counted against the retry limit)
 * @param autoRetries how many times Capstan re-queued it by itself after an interruption
 * @param createdAt when it was submitted
 * @param updatedAt when it last changed
 */
public record Task(
    long id,
    String repo,
    String title,
    String prompt,
    String agent,
    Optional<String> command,
    int priority,
    TaskState state,
    int attempt,
    int generation,
    Optional<String> branch,
    Optional<String> workspace,
    int retries,
    int autoRetries,
    Instant createdAt,
    Instant updatedAt) {
  public Task {
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (id < 1) {
      throw new IllegalArgumentException("task ids start at 1, was " + id);
    }
    if (generation < 1) {
      throw new IllegalArgumentException("generation starts at 1, was " + generation);
    }
  }
}
