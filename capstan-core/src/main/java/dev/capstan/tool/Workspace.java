package dev.capstan.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The directory a session or task is confined to, by its real path (symlinks of the root itself
 * resolved once, when it is opened).
 *
 * <p>{@link #resolveExisting} and {@link #resolveForWrite} turn a path the model gave into a real
 * path inside the root, or refuse it with {@link PathOutsideWorkspace}: absolute paths, {@code ..}
 * above the root, and symlinks (of the target or of any parent directory) that point out or
 * nowhere. A tolerated race: a directory swapped for a symlink between the check and the use; the
 * write side narrows it by opening the final file without following links.
 *
 * <p>Immutable and thread-safe.
 *
 * @param root the real, absolute path of the workspace directory
 */
public record Workspace(Path root) {
  public Workspace {
    Objects.requireNonNull(root, "root");
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("workspace root must be absolute, was " + root);
    }
  }

  /**
   * Opens {@code directory} as a workspace.
   *
   * @throws WorkspaceInvalid when it does not exist or is not a directory
   */
  public static Workspace open(Path directory) {
    Path real;
    try {
      real = directory.toAbsolutePath().toRealPath();
    } catch (NoSuchFileException e) {
      throw new WorkspaceInvalid(directory, "it does not exist");
    } catch (IOException e) {
      throw new WorkspaceInvalid(directory, "cannot resolve it (" + e.getMessage() + ")");
    }
    if (!Files.isDirectory(real)) {
      throw new WorkspaceInvalid(directory, "it is not a directory");
    }
    if (!Files.isReadable(real)) {
      throw new WorkspaceInvalid(directory, "it is not readable");
    }
    return new Workspace(real);
  }

  /**
   * The real path of an existing file or directory inside the workspace ({@code ""} or {@code "."}
   * is the root).
   *
   * @throws PathOutsideWorkspace when it leaves the workspace
   * @throws NoSuchFileException when it does not exist
   */
  public Path resolveExisting(String path) throws IOException {
    Path lexical = lexical(path);
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(lexical)) {
        throw new PathOutsideWorkspace(path, "it is a symlink to nothing");
      }
      realExistingAncestor(path, lexical);
      throw new NoSuchFileException(path, null, "no such file or directory");
    }
    if (!real.startsWith(root)) {
      throw new PathOutsideWorkspace(path, "it resolves through a symlink to " + real);
    }
    return real;
  }

  /**
   * The real path to write {@code path} to: its existing parent directories are inside the
   * workspace (missing ones will be created there), and the target is not a symlink that points out
   * or nowhere. A symlink target inside the workspace resolves to where it points.
   *
   * @throws PathOutsideWorkspace when it leaves the workspace or names the root itself
   */
  public Path resolveForWrite(String path) throws IOException {
    Path lexical = lexical(path);
    if (lexical.equals(root)) {
      throw new PathOutsideWorkspace(path, "it names the workspace root, not a file");
    }
    if (Files.isSymbolicLink(lexical)) {
      Path real;
      try {
        real = lexical.toRealPath();
      } catch (NoSuchFileException e) {
        throw new PathOutsideWorkspace(path, "it is a symlink to nothing");
      }
      if (!real.startsWith(root)) {
        throw new PathOutsideWorkspace(path, "it is a symlink to " + real);
      }
      return real;
    }
    Ancestor ancestor = realExistingAncestor(path, lexical.getParent());
    // why: the missing part below the deepest existing ancestor will be created, so it holds no
    // symlinks; the file name itself is opened later without following links.
    return ancestor.real().resolve(ancestor.lexical().relativize(lexical));
  }

  /**
   * The deepest existing ancestor of {@code start} (itself included) and its real path, refused
   * when that real path leaves the root.
   */
  private Ancestor realExistingAncestor(String path, Path start) throws IOException {
    Path existing = start;
    while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (NoSuchFileException e) {
      throw new PathOutsideWorkspace(path, "a parent directory is a symlink to nothing");
    }
    if (!real.startsWith(root)) {
      throw new PathOutsideWorkspace(path, "a parent directory is a symlink to " + real);
    }
    return new Ancestor(existing, real);
  }

  /** {@code real} relative to the root, with {@code /} separators, {@code .} for the root. */
  public String relativize(Path real) {
    String relative = root.relativize(real).toString().replace('\\', '/');
    return relative.isEmpty() ? "." : relative;
  }

  private Path lexical(String path) {
    Objects.requireNonNull(path, "path");
    if (path.indexOf('\0') >= 0) {
      throw new PathOutsideWorkspace(path, "it contains a NUL character");
    }
    String trimmed = path.strip();
    if (trimmed.startsWith("/") || trimmed.startsWith("~") || trimmed.startsWith("\\")) {
      throw new PathOutsideWorkspace(path, "absolute paths are not allowed");
    }
    Path given;
    try {
      given = Path.of(trimmed.isEmpty() ? "." : trimmed);
    } catch (InvalidPathException e) {
      throw new PathOutsideWorkspace(path, "it is not a valid path (" + e.getReason() + ")");
    }
    if (given.isAbsolute()) {
      throw new PathOutsideWorkspace(path, "absolute paths are not allowed");
    }
    Path normalized = given.normalize();
    if (normalized.startsWith("..")) {
      throw new PathOutsideWorkspace(path, "'..' leads above the workspace root");
    }
    Path lexical = root.resolve(normalized).normalize();
    if (!lexical.startsWith(root)) {
      throw new PathOutsideWorkspace(path, "it leads above the workspace root");
    }
    return lexical;
  }

  private record Ancestor(Path lexical, Path real) {}
}
