package dev.capstan.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.ApiJson;
import dev.capstan.cli.client.DaemonClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks that ask the running daemon ({@code GET /api/llm/status}, {@code GET /api/gc}) or the file
 * system of the home (free space).
 *
 * <p>Thread-safe (stateless).
 */
final class DaemonSideChecks {
  /** Below this much free space on the home's file system, doctor warns. */
  static final long LOW_DISK_BYTES = 1L << 30;

  private DaemonSideChecks() {}

  /** The LLM server as the daemon sees it; not checked when no daemon runs. */
  static Check llm(Optional<DaemonClient> daemon) {
    if (daemon.isEmpty()) {
      return Check.ok("llm", "not checked: the daemon is not running");
    }
    JsonNode status;
    try {
      status = daemon.get().getJson("/api/llm/status", JsonNode.class);
    } catch (IOException | RuntimeException e) {
      return Check.warn(
          "llm",
          "the daemon did not report the LLM status: " + e.getMessage(),
          "capstan llm status");
    }
    String url = status.path("url").asText();
    boolean healthy =
        status.path("reachable").asBoolean()
            && status.path("modelLoaded").asBoolean()
            && (status.path("error").isNull() || status.path("error").isMissingNode());
    if (healthy) {
      String model = status.path("configuredModel").asText("");
      if (model.isEmpty() || model.equals("null")) {
        model = status.path("models").path(0).asText("?");
      }
      return Check.ok("llm", url + " reachable, model " + model + " loaded");
    }
    JsonNode error = status.path("error");
    String message = error.path("message").asText("the LLM server at " + url + " is not healthy");
    String hint = error.path("hint").asText("");
    // why: only the built-in agent and sessions need the LLM; tasks with other agents still run.
    return Check.warn("llm", message, hint.isBlank() ? "capstan llm status" : hint);
  }

  /** Free space on the home's file system, and what worktrees use when the daemon runs. */
  static Check disk(Path home, Optional<DaemonClient> daemon) {
    long usable;
    try {
      usable = store(home).getUsableSpace();
    } catch (IOException | UncheckedIOException e) {
      return Check.warn(
          "disk", "cannot tell the free space of " + home + ": " + e.getMessage(), "df -h");
    }
    String worktrees = "";
    if (daemon.isPresent()) {
      try {
        JsonNode usage = daemon.get().getJson("/api/gc", JsonNode.class);
        worktrees =
            "; "
                + usage.path("worktrees").asInt()
                + " worktree(s) use "
                + ApiJson.bytes(usage.path("diskUsedBytes").asLong());
      } catch (IOException | RuntimeException e) {
        worktrees = "; worktree usage unknown (" + e.getMessage() + ")";
      }
    }
    String finding = ApiJson.bytes(usable) + " free on the home's file system" + worktrees;
    if (usable < LOW_DISK_BYTES) {
      return Check.warn(
          "disk",
          finding + " (under " + ApiJson.bytes(LOW_DISK_BYTES) + ")",
          "capstan gc, or free disk space");
    }
    return Check.ok("disk", finding);
  }

  private static FileStore store(Path home) throws IOException {
    Path existing = home;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new IOException("no existing parent of " + home);
    }
    return Files.getFileStore(existing);
  }
}
