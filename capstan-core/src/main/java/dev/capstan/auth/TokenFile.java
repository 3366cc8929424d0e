package dev.capstan.auth;

import dev.capstan.home.AtomicFiles;
import dev.capstan.json.Json;
import dev.capstan.json.JsonSyntaxException;
import dev.capstan.json.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code auth.json}: the local bearer token, owner-only (0600), created once and kept across
 * restarts until rotated.
 *
 * <p>Thread-safe for readers; creation and rotation are atomic renames.
 */
public final class TokenFile {
  private final Path path;
  private final Supplier<SecureRandom> random;

  public TokenFile(Path path, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    this.path = Objects.requireNonNull(path, "path");
    this.random = () -> random;
  }

  /**
   * A token file whose random source is created only if a token is generated: setting up a {@link
   * SecureRandom} loads the security providers, which costs a reader (every CLI command) tens of
   * milliseconds for nothing.
   */
  public TokenFile(Path path) {
    this.path = Objects.requireNonNull(path, "path");
    this.random = SecureRandom::new;
  }

  /** The stored form. */
  record Stored(int version, String token, Instant createdAt) {}

  /** The file this instance manages. */
  public Path path() {
    return path;
  }

  /** The stored token, if the file exists and is well-formed. */
  public Optional<AuthToken> read() {
    try {
      // why: JsonText, not Jackson: every CLI command reads this file before anything else.
      String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
      if (!(JsonText.parseObject(text).get("token") instanceof String stored) || stored.isBlank()) {
        return Optional.empty();
      }
      return Optional.of(new AuthToken(stored));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (JsonSyntaxException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + path, e);
    }
  }

  /**
   * Returns the stored token, creating one if the file is missing or unreadable. Also repairs the
   * file mode to 0600.
   */
  public AuthToken readOrCreate(Instant now) {
    Optional<AuthToken> existing = read();
    if (existing.isPresent()) {
      try {
        AtomicFiles.restrictToOwner(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restrict the permissions of " + path, e);
      }
      return existing.get();
    }
    return rotate(now);
  }

  /** Replaces the token with a fresh one and returns it. */
  public AuthToken rotate(Instant now) {
    AuthToken token = AuthToken.generate(random.get());
    try {
      AtomicFiles.writeOwnerOnly(
          path,
          Json.mapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsBytes(new Stored(1, token.value(), now)));
    } catch (FileAlreadyExistsException e) {
      throw new IllegalStateException("temporary token file collided: " + e.getFile(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the token file " + path, e);
    }
    return token;
  }
}
