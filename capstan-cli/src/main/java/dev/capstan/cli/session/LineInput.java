package dev.capstan.cli.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The lines of standard input, read on a thread of their own. A blocked {@code readLine} cannot be
 * interrupted (not on a terminal, not on a pipe, and there may be no {@link java.io.Console} at
 * all), so a question that Ctrl-C must be able to abandon waits on this queue instead.
 *
 * <p>Thread-safe; one reader thread, any number of waiting threads (in practice one).
 */
final class LineInput {
  private static final Duration CHECK_EVERY = Duration.ofMillis(100);

  // why: an empty Optional marks the end of input (EOF or a read error).
  private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
  private volatile boolean ended;

  private LineInput() {}

  /** Starts reading {@code in} (UTF-8) on a daemon thread. */
  static LineInput of(InputStream in) {
    LineInput input = new LineInput();
    Thread.ofPlatform()
        .daemon()
        .name("chat-input")
        .start(
            () -> {
              BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
              try {
                String line;
                while ((line = reader.readLine()) != null) {
                  input.lines.add(Optional.of(line));
                }
              } catch (IOException e) {
                // why: a broken input is its end; chat leaves as it does on Ctrl-D.
              }
              input.lines.add(Optional.empty());
            });
    return input;
  }

  /** Whether the input has ended (Ctrl-D, a closed pipe). */
  boolean ended() {
    return ended;
  }

  /** The next line, waiting as long as it takes; empty once the input has ended. */
  Optional<String> next() {
    return nextUnless(() -> false);
  }

  /**
   * The next line; empty once the input has ended ({@link #ended()} then says so) or as soon as
   * {@code stop} turns true, whichever comes first.
   */
  Optional<String> nextUnless(BooleanSupplier stop) {
    if (ended) {
      return Optional.empty();
    }
    try {
      while (!stop.getAsBoolean()) {
        Optional<String> line = lines.poll(CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        if (line != null) {
          if (line.isEmpty()) {
            ended = true;
          }
          return line;
        }
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
