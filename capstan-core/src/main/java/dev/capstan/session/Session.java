package dev.capstan.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An interactive conversation with the built-in agent, bound to one workspace directory.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id its id, also the name of its stream {@code session/<id>}
 * @param title a label for people
 * @param workspace the real path of the directory its tools work in
 * @param model the model its turns ask for; empty means the configured default
 * @param createdAt when it was created
 * @param updatedAt when it last changed (renamed, a turn was queued)
 */
public record Session(
    String id,
    String title,
    String workspace,
    Optional<String> model,
    Instant createdAt,
    Instant updatedAt) {
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
