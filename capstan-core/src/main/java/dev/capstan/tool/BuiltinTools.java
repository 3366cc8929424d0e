package dev.capstan.tool;

import java.util.List;

/** The list of built-in tools. Thread-safe (stateless). */
final class BuiltinTools {
  private BuiltinTools() {}

  static List<Tool> all() {
    return List.of(
        FileTools.readFile(),
        FileTools.listDir(),
        SearchTool.create(),
        FileTools.writeFile(),
        FileTools.editFile(),
        CommandTools.runCommand(),
        CommandTools.gitStatus(),
        CommandTools.gitDiff());
  }
}
