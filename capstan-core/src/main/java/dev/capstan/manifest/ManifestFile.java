package dev.capstan.manifest;

import dev.capstan.home.AtomicFiles;
import dev.capstan.json.Json;
import dev.capstan.json.JsonSyntaxException;
import dev.capstan.json.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads and writes {@code daemon.json}. A read never throws on bad content: a missing, empty,
 * truncated or garbage file is reported as such, and the caller decides.
 *
 * <p>Thread-safe (holds only the path); concurrent writers each leave a complete file.
 */
public final class ManifestFile {
  private static final DateTimeFormatter ASIDE_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path path;

  public ManifestFile(Path path) {
    this.path = Objects.requireNonNull(path, "path");
  }

  /** The file this instance reads and writes. */
  public Path path() {
    return path;
  }

  /** The outcome of reading the manifest. */
  public sealed interface Read {
    /** There is no manifest: no daemon has announced itself. */
    record Missing() implements Read {}

    /**
     * The file exists but cannot be trusted.
     *
     * @param reason what is wrong with it, for a person
     */
    record Corrupt(String reason) implements Read {}

    /**
     * A well-formed manifest (not yet verified against the live process).
     *
     * @param manifest its content
     */
    record Valid(DaemonManifest manifest) implements Read {}
  }

  /** Reads the manifest without ever throwing on bad content. */
  public Read read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return new Read.Missing();
    } catch (IOException e) {
      return new Read.Corrupt("cannot read: " + e.getMessage());
    }
    if (bytes.length == 0) {
      return new Read.Corrupt("empty file");
    }
    Map<String, Object> object;
    try {
      // why: JsonText, not Jackson: every CLI command reads the manifest first, and building
      // Jackson's mapper costs more than the rest of `capstan daemon status`.
      object = JsonText.parseObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonSyntaxException e) {
      return new Read.Corrupt("not a valid manifest: " + e.getMessage());
    }
    try {
      return new Read.Valid(DaemonManifest.fromJson(object));
    } catch (IllegalArgumentException e) {
      return new Read.Corrupt("invalid content: " + e.getMessage());
    }
  }

  /** Atomically writes the manifest (temp file, fsync, rename), readable by the owner only. */
  public void write(DaemonManifest manifest) {
    try {
      AtomicFiles.writeOwnerOnly(
          path, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the daemon manifest " + path, e);
    }
  }

  /**
   * Moves a corrupt manifest aside as {@code daemon.json.corrupt-<time>} so it can be inspected.
   *
   * @return where it went, or empty if it was already gone
   */
  public Optional<Path> moveAside(Instant now) {
    Path aside = path.resolveSibling(path.getFileName() + ".corrupt-" + ASIDE_SUFFIX.format(now));
    try {
      Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(aside);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the corrupt manifest " + path + " aside", e);
    }
  }

  /** Deletes the manifest; returns whether there was one. */
  public boolean delete() {
    try {
      return Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the daemon manifest " + path, e);
    }
  }

  /**
   * Deletes the manifest only if it still names {@code instanceId}, so a daemon never removes its
   * successor's manifest.
   */
  public boolean deleteIfOwnedBy(String instanceId) {
    if (read() instanceof Read.Valid valid && valid.manifest().instanceId().equals(instanceId)) {
      return delete();
    }
    return false;
  }
}
