package dev.capstan.cli.daemon;

import dev.capstan.cli.CliContext;
import dev.capstan.home.CapstanHome;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan daemon logs}: reads {@code logs/daemon.log} directly (the daemon may be down). */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print the daemon's structured log (logs/daemon.log), newest last.",
      "Works while the daemon is down; output it printed before logging started is in"
          + " logs/daemon.out."
    })
public final class DaemonLogsCommand implements Runnable {
  private static final long FOLLOW_POLL_MILLIS = 200;
  private static final int TAIL_CHUNK = 64 * 1024;

  @ParentCommand DaemonCommand parent;

  @Spec CommandSpec spec;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      defaultValue = "50",
      description = "How many of the last lines to print (default ${DEFAULT-VALUE}).")
  int lines;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines as they are written (Ctrl-C to stop).")
  boolean follow;

  @Option(names = "--json", description = "Print the raw JSON lines.")
  boolean json;

  @Override
  public void run() {
    CliContext context = parent.context();
    CapstanHome home = context.home();
    Path log = home.logFile();
    if (lines < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--lines must be >= 0");
    }
    long position = printTail(context, log);
    if (!follow) {
      if (!Files.exists(log)) {
        context.err().println("capstan: no log yet at " + log);
      }
      return;
    }
    follow(context, log, position);
  }

  private long printTail(CliContext context, Path log) {
    if (!Files.exists(log)) {
      return 0;
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      Deque<String> tail = new ArrayDeque<>();
      long end = length;
      String carry = "";
      while (end > 0 && tail.size() <= lines) {
        long start = Math.max(0, end - TAIL_CHUNK);
        byte[] bytes = new byte[(int) (end - start)];
        file.seek(start);
        file.readFully(bytes);
        String chunk = new String(bytes, StandardCharsets.UTF_8) + carry;
        String[] parts = chunk.split("\n", -1);
        carry = start > 0 ? parts[0] : "";
        for (int i = parts.length - 1; i >= (start > 0 ? 1 : 0); i--) {
          if (!parts[i].isEmpty()) {
            tail.addFirst(parts[i]);
          }
        }
        end = start;
      }
      while (tail.size() > lines) {
        tail.removeFirst();
      }
      for (String line : tail) {
        print(context, line);
      }
      return length;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }

  private void follow(CliContext context, Path log, long from) {
    long position = from;
    StringBuilder partial = new StringBuilder();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long length = Files.exists(log) ? Files.size(log) : 0;
        if (length < position) {
          // why: the log was rotated; the new file starts from zero.
          position = 0;
        }
        if (length > position) {
          try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(position);
            byte[] bytes = new byte[(int) Math.min(length - position, Integer.MAX_VALUE - 8)];
            file.readFully(bytes);
            position += bytes.length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
          }
          int newline;
          while ((newline = partial.indexOf("\n")) >= 0) {
            print(context, partial.substring(0, newline));
            partial.delete(0, newline + 1);
          }
          context.out().flush();
        }
        Thread.sleep(FOLLOW_POLL_MILLIS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot follow " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void print(CliContext context, String line) {
    context.out().println(json ? line : LogLines.humanize(line));
  }
}
