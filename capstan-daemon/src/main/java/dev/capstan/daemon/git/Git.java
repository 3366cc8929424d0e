package dev.capstan.daemon.git;

import dev.capstan.runtime.RuntimeFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code git} command line: one process per call, never through a shell, with a timeout,
 * captured output and a clear error. Every call runs with prompts off ({@code
 * GIT_TERMINAL_PROMPT=0}, no askpass, ssh in batch mode), hooks off and signing off, and without
 * any {@code GIT_*} variable of the daemon's environment that could point git elsewhere.
 *
 * <p>Immutable and thread-safe.
 */
public final class Git {
  /** The timeout of a local git call when the caller has no tighter deadline. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final int MAX_CAPTURED_BYTES = 4 * 1024 * 1024;
  private static final List<String> SAFE_CONFIG =
      List.of(
          "-c", "core.hooksPath=/dev/null",
          "-c", "commit.gpgsign=false",
          "-c", "tag.gpgsign=false",
          "-c", "core.fsmonitor=false",
          "-c", "protocol.ext.allow=never");

  private final String executable;
  private final List<String> launcher;
  private final Map<String, String> environment;

  /**
   * A runner of {@code executable} (usually {@code git}) with the daemon's environment {@code
   * parentEnv}, from which it keeps what git needs to run (PATH, HOME, locale) and drops every
   * {@code GIT_*} variable.
   */
  public Git(String executable, Map<String, String> parentEnv) {
    this(executable, parentEnv, List.of());
  }

  /**
   * A runner like {@link #Git(String, Map)} whose processes start through {@code launcher} (for
   * example {@code nice -n 10}), which must exec what follows it.
   */
  public Git(String executable, Map<String, String> parentEnv, List<String> launcher) {
    this.executable = executable;
    this.launcher = List.copyOf(launcher);
    this.environment = gitEnvironment(parentEnv);
  }

  /** A runner of {@code git} from the PATH of {@code parentEnv}. */
  public static Git withEnvironment(Map<String, String> parentEnv) {
    return new Git("git", parentEnv);
  }

  /**
   * A runner of {@code git} from the PATH of {@code parentEnv}, started through {@code launcher}.
   */
  public static Git withEnvironment(Map<String, String> parentEnv, List<String> launcher) {
    return new Git("git", parentEnv, launcher);
  }

  /**
   * Runs {@code git <args>} in {@code dir}.
   *
   * @return the result, whatever the exit code
   * @throws RuntimeFailure when git cannot be started or does not finish within {@code timeout}
   */
  public Result run(Path dir, Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>(launcher);
    command.add(executable);
    command.addAll(SAFE_CONFIG);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new RuntimeFailure(
          "cannot run git " + describe(args) + ": " + e.getMessage(),
          "install git and make sure it is on the daemon's PATH",
          e);
    }
    Capture out = new Capture(process.getInputStream());
    Capture err = new Capture(process.getErrorStream());
    Thread outReader = Thread.ofVirtual().start(out);
    Thread errReader = Thread.ofVirtual().start(err);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new RuntimeFailure(
            "git " + describe(args) + " did not finish within " + timeout + "; it was killed",
            "check the repository (a lock file, a slow disk or network) and retry");
      }
      outReader.join(timeout.toMillis());
      errReader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RuntimeFailure("interrupted while running git " + describe(args), "retry", e);
    }
    return new Result(args, process.exitValue(), out.text(), err.text());
  }

  /** Like {@link #run(Path, Duration, List)} with the arguments inline. */
  public Result run(Path dir, Duration timeout, String... args) {
    return run(dir, timeout, List.of(args));
  }

  /**
   * Runs {@code git <args>} in {@code dir} and returns its stdout without the trailing newline.
   *
   * @throws RuntimeFailure when git fails, naming the command and what git said
   */
  public String output(Path dir, Duration timeout, String... args) {
    return run(dir, timeout, args).requireSuccess().stdout().stripTrailing();
  }

  private static Map<String, String> gitEnvironment(Map<String, String> parentEnv) {
    Map<String, String> env = new HashMap<>();
    for (String name : List.of("PATH", "HOME", "LANG", "LC_ALL", "USER", "TMPDIR")) {
      String value = parentEnv.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    // why: git's messages are parsed in a few places; keep them in English whatever the locale.
    env.put("LC_ALL", "C");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_ASKPASS", "/bin/false");
    env.put("SSH_ASKPASS", "/bin/false");
    env.put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    return Map.copyOf(env);
  }

  static String describe(List<String> args) {
    return args.isEmpty() ? "" : String.join(" ", args.subList(0, Math.min(2, args.size())));
  }

  /**
   * The outcome of one git call.
   *
   * @param args the arguments (without the safety config)
   * @param exitCode git's exit code
   * @param stdout what git printed on stdout
   * @param stderr what git printed on stderr
   */
  public record Result(List<String> args, int exitCode, String stdout, String stderr) {
    public Result {
      args = List.copyOf(args);
    }

    /** Whether git exited with 0. */
    public boolean ok() {
      return exitCode == 0;
    }

    /**
     * This result when git succeeded.
     *
     * @throws RuntimeFailure otherwise, naming the command and git's first error line
     */
    public Result requireSuccess() {
      if (!ok()) {
        throw new RuntimeFailure(
            "git " + describe(args) + " failed (exit " + exitCode + "): " + firstErrorLine(),
            "see the message above; the repository may be locked, corrupt or missing the ref");
      }
      return this;
    }

    /** The most telling line of stderr (git's "fatal:" or "error:" line), or stdout's last. */
    public String firstErrorLine() {
      for (String line : stderr.lines().toList()) {
        if (line.startsWith("fatal:") || line.startsWith("error:")) {
          return line.strip();
        }
      }
      List<String> lines = stderr.isBlank() ? stdout.lines().toList() : stderr.lines().toList();
      return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).strip();
    }
  }

  private static final class Capture implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Capture(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          synchronized (bytes) {
            // why: keep reading past the cap so git never blocks on a full pipe.
            if (bytes.size() < MAX_CAPTURED_BYTES) {
              bytes.write(buffer, 0, Math.min(read, MAX_CAPTURED_BYTES - bytes.size()));
            }
          }
        }
      } catch (IOException e) {
        // why: the stream closes when git is killed on timeout; what was read so far is kept.
        synchronized (bytes) {
          bytes.writeBytes(
              ("\n(output cut: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8));
        }
      }
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
