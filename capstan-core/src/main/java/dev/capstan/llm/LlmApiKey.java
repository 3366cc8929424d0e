package dev.capstan.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The API key sent to the LLM server as {@code Authorization: Bearer ...}, from {@value #ENV} or
 * the 0600 file {@code <home>/secrets/llm-api-key}. Its {@link #toString()} never shows the value,
 * so it cannot leak into a log line or an event by accident.
 *
 * <p>Immutable and thread-safe.
 */
public final class LlmApiKey {
  /** The environment variable that holds the key. */
  public static final String ENV = "CAPSTAN_LLM_API_KEY";

  /** The file under the home that holds the key. */
  public static final String FILE = "secrets/llm-api-key";

  private final String value;
  private final String source;

  private LlmApiKey(String value, String source) {
    this.value = value;
    this.source = source;
  }

  /** A key with this value (for tests and callers that already hold it). */
  public static LlmApiKey of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("an API key must not be blank");
    }
    return new LlmApiKey(value.strip(), "given");
  }

  /**
   * The key from {@value #ENV}, else from {@code <home>/secrets/llm-api-key}, else none.
   *
   * @throws IllegalStateException when the file is readable by group or others
   * @throws UncheckedIOException when the file exists but cannot be read
   */
  public static Optional<LlmApiKey> resolve(Map<String, String> env, Path home) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(new LlmApiKey(fromEnv.strip(), "env " + ENV));
    }
    Path file = home.resolve(FILE);
    String text;
    try {
      checkPermissions(file);
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the LLM API key file " + file, e);
    }
    if (text.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new LlmApiKey(text.strip(), "file " + file));
  }

  private static void checkPermissions(Path file) throws IOException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return;
    }
    for (PosixFilePermission permission : permissions) {
      switch (permission) {
        case OWNER_READ, OWNER_WRITE, OWNER_EXECUTE -> {}
        default ->
            throw new IllegalStateException(
                "the LLM API key file "
                    + file
                    + " is readable by others; run chmod 600 on it (it must be mode 0600)");
      }
    }
  }

  /** The secret value: only for the {@code Authorization} header. */
  public String reveal() {
    return value;
  }

  /** Where it came from ({@code env CAPSTAN_LLM_API_KEY} or {@code file ...}); not secret. */
  public String source() {
    return source;
  }

  /** Never the value. */
  @Override
  public String toString() {
    return "(set)";
  }
}
