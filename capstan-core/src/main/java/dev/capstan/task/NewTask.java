package dev.capstan.task;

import java.util.Objects;
import java.util.Optional;

/**
 * A task as submitted, before it has an id.
 *
 * <p>Immutable and thread-safe.
 *
 * @param repo the repo's name
 * @param title a short title (may be empty)
 * @param prompt what the agent is asked to do
 * @param agent the agent
 * @param command the {@code command} agent's command, when given for this task
 * @param priority higher runs first
 */
public record NewTask(
    String repo,
    String title,
    String prompt,
    String agent,
    Optional<String> command,
    int priority) {
  public NewTask {
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(command, "command");
  }
}
