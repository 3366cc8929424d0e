package dev.capstan.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file tools: {@code read_file}, {@code list_dir}, {@code write_file}, {@code edit_file}, all
 * confined to the workspace by {@link Workspace}.
 *
 * <p>Thread-safe (stateless).
 */
final class FileTools {
  private FileTools() {}

  /** Most entries {@code list_dir} shows. */
  static final int MAX_LIST_ENTRIES = 1000;

  static Tool readFile() {
    return new SimpleTool(
        "read_file",
        "Read a UTF-8 text file of the workspace. Large files are cut at the read limit.",
        Schemas.strings(
            new String[][] {{"path", "file path relative to the workspace root"}}, "path"),
        RiskClass.READ,
        (context, arguments) -> {
          String path = Schemas.string(arguments, "path", null);
          Path real = context.workspace().resolveExisting(path);
          if (Files.isDirectory(real)) {
            return ToolResult.error(path + " is a directory; use list_dir");
          }
          long size = Files.size(real);
          long cap = context.limits().maxReadBytes();
          byte[] bytes;
          try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes((int) Math.min(cap, Integer.MAX_VALUE - 8));
          }
          if (TextCaps.looksBinary(bytes, bytes.length)) {
            return ToolResult.error(path + " is a binary file (" + size + " bytes); not shown");
          }
          String text = TextCaps.cut(new String(bytes, StandardCharsets.UTF_8), cap);
          if (size > cap) {
            return new ToolResult(
                ToolOutcome.OK,
                text + "\n[cut: showing the first " + cap + " of " + size + " bytes]",
                true);
          }
          return ToolResult.ok(text);
        });
  }

  static Tool listDir() {
    return new SimpleTool(
        "list_dir",
        "List a directory of the workspace: one entry per line, directories end with /.",
        Schemas.strings(
            new String[][] {
              {"path", "directory relative to the workspace root; default: the root"}
            }),
        RiskClass.READ,
        (context, arguments) -> {
          String path = Schemas.string(arguments, "path", ".");
          Path real = context.workspace().resolveExisting(path);
          if (!Files.isDirectory(real)) {
            return ToolResult.error(path + " is not a directory");
          }
          List<String> entries = new ArrayList<>();
          try (Stream<Path> children = Files.list(real)) {
            children.sorted().forEach(child -> entries.add(describe(child)));
          }
          boolean cut = entries.size() > MAX_LIST_ENTRIES;
          List<String> shown = cut ? entries.subList(0, MAX_LIST_ENTRIES) : entries;
          String text = String.join("\n", shown);
          if (cut) {
            text += "\n[cut: " + entries.size() + " entries, showing " + MAX_LIST_ENTRIES + "]";
          }
          if (entries.isEmpty()) {
            text = "(empty directory)";
          }
          return new ToolResult(
              ToolOutcome.OK, TextCaps.cut(text, context.limits().maxOutputBytes()), cut);
        });
  }

  private static String describe(Path child) {
    String name = child.getFileName().toString();
    if (Files.isSymbolicLink(child)) {
      return name + "@";
    }
    return Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) ? name + "/" : name;
  }

  static Tool writeFile() {
    return new SimpleTool(
        "write_file",
        "Create or overwrite a file of the workspace with the given content. Missing parent"
            + " directories are created.",
        Schemas.strings(
            new String[][] {
              {"path", "file path relative to the workspace root"},
              {"content", "the whole new content of the file"}
            },
            "path",
            "content"),
        RiskClass.WRITE,
        (context, arguments) -> {
          String path = Schemas.string(arguments, "path", null);
          String content = Schemas.string(arguments, "content", null);
          Path real = context.workspace().resolveForWrite(path);
          if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            return ToolResult.error(path + " is a directory");
          }
          Files.createDirectories(real.getParent());
          // why: re-check after creating directories: a parent swapped for a symlink meanwhile
          // would show here.
          if (!real.getParent().toRealPath().startsWith(context.workspace().root())) {
            throw new PathOutsideWorkspace(path, "a parent directory changed to point outside");
          }
          byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
          write(real, bytes);
          return ToolResult.ok(
              "Wrote " + bytes.length + " bytes to " + context.workspace().relativize(real));
        });
  }

  static Tool editFile() {
    return new SimpleTool(
        "edit_file",
        "Replace one exact occurrence of 'old' with 'new' in a file of the workspace. Fails when"
            + " 'old' does not occur or occurs more than once (add surrounding lines to make it"
            + " unique).",
        Schemas.strings(
            new String[][] {
              {"path", "file path relative to the workspace root"},
              {"old", "the exact text to replace, occurring exactly once"},
              {"new", "the replacement text"}
            },
            "path",
            "old",
            "new"),
        RiskClass.WRITE,
        (context, arguments) -> {
          String path = Schemas.string(arguments, "path", null);
          String old = Schemas.string(arguments, "old", null);
          String replacement = Schemas.string(arguments, "new", null);
          if (old.isEmpty()) {
            return ToolResult.error("'old' must not be empty; use write_file to create a file");
          }
          Path real = context.workspace().resolveForWrite(path);
          if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
            return ToolResult.error(path + " does not exist; use write_file to create it");
          }
          byte[] bytes = Files.readAllBytes(real);
          if (TextCaps.looksBinary(bytes, bytes.length)) {
            return ToolResult.error(path + " is a binary file; not edited");
          }
          String text = new String(bytes, StandardCharsets.UTF_8);
          int first = text.indexOf(old);
          if (first < 0) {
            return ToolResult.error(
                "'old' does not occur in "
                    + path
                    + "; nothing changed. Read the file and copy"
                    + " the text exactly, whitespace included.");
          }
          int count = 0;
          for (int at = first; at >= 0; at = text.indexOf(old, at + 1)) {
            count++;
          }
          if (count > 1) {
            return ToolResult.error(
                "'old' occurs "
                    + count
                    + " times in "
                    + path
                    + "; nothing changed. Include more surrounding text so it occurs exactly once.");
          }
          String edited =
              text.substring(0, first) + replacement + text.substring(first + old.length());
          write(real, edited.getBytes(StandardCharsets.UTF_8));
          return ToolResult.ok(
              "Edited " + context.workspace().relativize(real) + " (1 replacement)");
        });
  }

  private static void write(Path real, byte[] bytes) throws IOException {
    // why: NOFOLLOW_LINKS makes the open fail if the file became a symlink after the check.
    try (OutputStream out =
        Files.newOutputStream(
            real,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      out.write(bytes);
    }
  }

  /** Runs a tool body and turns the expected failures into results for the model. */
  static ToolResult guarded(String name, ToolContext context, JsonNode arguments, Body body) {
    try {
      return body.apply(context, arguments);
    } catch (PathOutsideWorkspace e) {
      return ToolResult.error(e.getMessage());
    } catch (Schemas.BadArguments e) {
      return ToolResult.error(name + ": " + e.getMessage());
    } catch (NoSuchFileException e) {
      return ToolResult.error("No such file or directory: " + e.getFile());
    } catch (NotDirectoryException e) {
      return ToolResult.error("Not a directory: " + e.getFile());
    } catch (AccessDeniedException e) {
      return ToolResult.error("Permission denied: " + e.getFile());
    } catch (FileAlreadyExistsException e) {
      return ToolResult.error("A file is in the way: " + e.getFile());
    } catch (IOException e) {
      return ToolResult.error(name + " failed: " + e.getMessage());
    }
  }

  /** A tool body that may throw the expected failures. */
  @FunctionalInterface
  interface Body {
    ToolResult apply(ToolContext context, JsonNode arguments) throws IOException;
  }

  /** A tool made of its parts. */
  record SimpleTool(String name, String description, JsonNode schema, RiskClass risk, Body body)
      implements Tool {
    @Override
    public ToolResult run(ToolContext context, JsonNode arguments) {
      return guarded(name, context, arguments, body);
    }
  }
}
