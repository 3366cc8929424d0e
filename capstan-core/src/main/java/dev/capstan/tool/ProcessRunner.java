package dev.capstan.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command for a tool: in the workspace, in its own process group (through {@code setsid}),
 * with a minimal environment (no Capstan secrets) plus the context's {@link
 * ToolContext#processEnv()}, a deadline and an output cap. On timeout or cancel the whole process
 * group is killed, and any descendant still alive after it.
 *
 * <p>Thread-safe (stateless).
 */
final class ProcessRunner {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

  private ProcessRunner() {}

  /**
   * What a run produced.
   *
   * @param exitCode the exit status, -1 when killed
   * @param output stdout and stderr interleaved, cut at the cap
   * @param truncated whether output was cut
   * @param timedOut whether the deadline killed it
   * @param cancelled whether a cancel killed it
   */
  record Run(int exitCode, String output, boolean truncated, boolean timedOut, boolean cancelled) {}

  static Run run(List<String> command, ToolContext context, Duration timeout) throws IOException {
    List<String> argv =
        Files.isExecutable(SETSID)
            ? java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(SETSID.toString()), command.stream())
                .toList()
            : command;
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.directory(context.workspace().root().toFile());
    builder.redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = builder.environment();
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    String home = env.getOrDefault("HOME", context.workspace().root().toString());
    env.clear();
    env.put("PATH", path);
    env.put("HOME", home);
    env.put("LANG", "C.UTF-8");
    env.put("TERM", "dumb");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_PAGER", "cat");
    env.put("PAGER", "cat");
    // why: added without replacing the fixed entries: a caller adds a marker, it cannot change
    // PATH or HOME of the command.
    context.processEnv().forEach(env::putIfAbsent);
    Process process = builder.start();
    long cap = context.limits().maxOutputBytes();
    CappedSink sink = new CappedSink(cap);
    Thread reader =
        Thread.ofVirtual().name("tool-output").start(() -> sink.drain(process.getInputStream()));
    boolean[] cancelled = {false};
    try (CancelToken.Registration ignored =
        context
            .cancel()
            .onCancel(
                () -> {
                  cancelled[0] = true;
                  killTree(process);
                })) {
      boolean exited;
      try {
        exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        killTree(process);
        return new Run(-1, sink.text(), sink.truncated(), false, true);
      }
      if (!exited) {
        killTree(process);
      }
      try {
        reader.join(DRAIN_AFTER_EXIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (cancelled[0]) {
        return new Run(-1, sink.text(), sink.truncated(), false, true);
      }
      if (!exited) {
        return new Run(-1, sink.text(), sink.truncated(), true, false);
      }
      // why: background children left behind by the command would outlive the tool call.
      killTree(process);
      return new Run(process.exitValue(), sink.text(), sink.truncated(), false, false);
    }
  }

  /** Kills the process group of {@code process} and every descendant still alive. */
  static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    long pid = process.pid();
    try {
      Process kill =
          new ProcessBuilder("kill", "-KILL", "--", "-" + pid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // no kill command: the handles below still reach the tree
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
    for (ProcessHandle descendant : descendants) {
      descendant.destroyForcibly();
    }
  }

  /** Keeps the first {@code cap} bytes and drains the rest. */
  private static final class CappedSink {
    private final long cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean truncated;

    CappedSink(long cap) {
      this.cap = cap;
    }

    void drain(InputStream in) {
      byte[] buffer = new byte[8192];
      try (in) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          synchronized (kept) {
            int room = (int) Math.max(0, Math.min(cap - kept.size(), read));
            kept.write(buffer, 0, room);
            if (room < read) {
              truncated = true;
            }
          }
        }
      } catch (IOException e) {
        // the process was killed and its pipe closed: what was read is what there is
      }
    }

    String text() {
      synchronized (kept) {
        return TextCaps.cut(kept.toString(StandardCharsets.UTF_8), cap);
      }
    }

    boolean truncated() {
      return truncated;
    }
  }
}
