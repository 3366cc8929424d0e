package dev.capstan.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code search}: lines matching a regular expression (Java syntax; an invalid one is searched as
 * literal text) in the files under a directory of the workspace. Skips {@code .git}, binary files,
 * files larger than {@link #MAX_FILE_BYTES} and symlinks (never followed). Stops at the match cap.
 *
 * <p>Thread-safe (stateless).
 */
final class SearchTool {
  /** Files larger than this are skipped. */
  static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private static final int MAX_LINE_CHARS = 300;

  private SearchTool() {}

  static Tool create() {
    return new FileTools.SimpleTool(
        "search",
        "Search files of the workspace for lines matching a regular expression (Java syntax;"
            + " an invalid expression is searched as plain text). Reports path:line: text.",
        Schemas.strings(
            new String[][] {
              {"pattern", "regular expression, or plain text"},
              {"path", "directory or file to search, relative to the workspace root; default: root"}
            },
            "pattern"),
        RiskClass.READ,
        (context, arguments) -> {
          String patternText = Schemas.string(arguments, "pattern", null);
          String path = Schemas.string(arguments, "path", ".");
          if (patternText.isEmpty()) {
            return ToolResult.error("search: 'pattern' is empty");
          }
          Pattern pattern;
          String note = "";
          try {
            pattern = Pattern.compile(patternText);
          } catch (PatternSyntaxException e) {
            pattern = Pattern.compile(Pattern.quote(patternText));
            note = "[not a valid regular expression; searched as plain text]\n";
          }
          Path start = context.workspace().resolveExisting(path);
          List<String> matches = new ArrayList<>();
          int cap = context.limits().maxSearchMatches();
          boolean[] capped = {false};
          Pattern compiled = pattern;
          Files.walkFileTree(
              start,
              new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                  if (context.cancel().isCancelled()) {
                    return FileVisitResult.TERMINATE;
                  }
                  return dir.getFileName() != null && dir.getFileName().toString().equals(".git")
                      ? FileVisitResult.SKIP_SUBTREE
                      : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                  if (!attrs.isRegularFile() || attrs.size() > MAX_FILE_BYTES) {
                    return FileVisitResult.CONTINUE;
                  }
                  byte[] bytes = Files.readAllBytes(file);
                  if (TextCaps.looksBinary(bytes, bytes.length)) {
                    return FileVisitResult.CONTINUE;
                  }
                  String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1);
                  for (int i = 0; i < lines.length; i++) {
                    if (compiled.matcher(lines[i]).find()) {
                      if (matches.size() >= cap) {
                        capped[0] = true;
                        return FileVisitResult.TERMINATE;
                      }
                      String line =
                          lines[i].length() > MAX_LINE_CHARS
                              ? lines[i].substring(0, MAX_LINE_CHARS) + "..."
                              : lines[i];
                      matches.add(
                          context.workspace().relativize(file) + ":" + (i + 1) + ": " + line);
                    }
                  }
                  return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                  return FileVisitResult.CONTINUE;
                }
              });
          if (matches.isEmpty()) {
            return ToolResult.ok(note + "No matches.");
          }
          String text = note + String.join("\n", matches);
          if (capped[0]) {
            text += "\n[stopped at " + cap + " matches]";
          }
          String shown = TextCaps.cut(text, context.limits().maxOutputBytes());
          return new ToolResult(ToolOutcome.OK, shown, capped[0] || !shown.equals(text));
        });
  }
}
