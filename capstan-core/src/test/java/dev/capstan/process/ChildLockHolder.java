package dev.capstan.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child JVM running {@link LockHolder} on a file: another process that owns the lock, as a
 * running daemon would. {@link #start} returns once the child holds the lock; {@link #close} ends
 * the child and waits for it, so the kernel has released the lock when it returns.
 *
 * <p>Confined to the test thread.
 */
public final class ChildLockHolder implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;

  private ChildLockHolder(Process process) {
    this.process = process;
  }

  /** Starts a child that locks {@code file}, and waits until it holds the lock. */
  public static ChildLockHolder start(Path file) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot find the running java binary"));
    Process process;
    try {
      process =
          new ProcessBuilder(
                  java,
                  "-Xshare:auto",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  classPathOf(LockHolder.class),
                  LockHolder.class.getName(),
                  file.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the lock holder", e);
    }
    ChildLockHolder holder = new ChildLockHolder(process);
    holder.awaitReady();
    return holder;
  }

  /** The child's pid. */
  public long pid() {
    return process.pid();
  }

  private void awaitReady() {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return String.valueOf(out.readLine());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      String first = line.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!LockHolder.READY.equals(first)) {
        close();
        throw new IllegalStateException("the lock holder said '" + first + "' instead of ready");
      }
    } catch (TimeoutException | ExecutionException e) {
      close();
      throw new IllegalStateException("the lock holder did not take the lock", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while waiting for the lock holder", e);
    }
  }

  /** Ends the child and waits for it to exit; the lock is free afterwards. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static String classPathOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate " + type, e);
    }
  }
}
