package dev.capstan.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import java.time.Duration;
import java.util.List;

/**
 * The tools that run processes: {@code run_command}, {@code git_status}, {@code git_diff}.
 *
 * <p>Thread-safe (stateless).
 */
final class CommandTools {
  /** How long a git tool may take. */
  static final Duration GIT_TIMEOUT = Duration.ofSeconds(30);

  private CommandTools() {}

  static Tool runCommand() {
    return new FileTools.SimpleTool(
        "run_command",
        "Run a shell command (/bin/sh -c) in the workspace root and return its exit code and"
            + " output (stdout and stderr). It is killed, with everything it started, at the"
            + " command timeout. No input is available.",
        Schemas.strings(new String[][] {{"command", "the shell command line"}}, "command"),
        RiskClass.COMMAND,
        (context, arguments) -> {
          String command = Schemas.string(arguments, "command", null);
          if (command.isBlank()) {
            return ToolResult.error("run_command: 'command' is empty");
          }
          ProcessRunner.Run run =
              ProcessRunner.run(
                  List.of("/bin/sh", "-c", command), context, context.limits().commandTimeout());
          return result(run, context.limits().commandTimeout());
        });
  }

  static Tool gitStatus() {
    return new FileTools.SimpleTool(
        "git_status",
        "Show the git status of the workspace (branch and changed files, porcelain format).",
        emptySchema(),
        RiskClass.READ,
        (context, arguments) ->
            git(context, List.of("git", "status", "--porcelain=v1", "--branch")));
  }

  static Tool gitDiff() {
    return new FileTools.SimpleTool(
        "git_diff",
        "Show the uncommitted changes of the workspace (git diff against HEAD, staged and"
            + " unstaged).",
        emptySchema(),
        RiskClass.READ,
        (context, arguments) ->
            git(
                context,
                List.of("git", "--no-pager", "diff", "--no-color", "--no-ext-diff", "HEAD")));
  }

  private static ToolResult git(ToolContext context, List<String> argv) throws java.io.IOException {
    ProcessRunner.Run run = ProcessRunner.run(argv, context, GIT_TIMEOUT);
    if (!run.timedOut() && !run.cancelled() && run.exitCode() != 0) {
      return ToolResult.error("git failed (exit " + run.exitCode() + "): " + run.output().strip());
    }
    ToolResult result = result(run, GIT_TIMEOUT);
    if (result.isOk() && run.output().isBlank()) {
      return ToolResult.ok("(no changes)");
    }
    return result.isOk() ? new ToolResult(ToolOutcome.OK, run.output(), run.truncated()) : result;
  }

  private static ToolResult result(ProcessRunner.Run run, Duration timeout) {
    String cut = run.truncated() ? "\n[output cut at the output limit]" : "";
    if (run.cancelled()) {
      return new ToolResult(
          ToolOutcome.CANCELLED,
          run.output() + cut + "\n[cancelled: process tree killed]",
          run.truncated());
    }
    if (run.timedOut()) {
      return new ToolResult(
          ToolOutcome.TIMEOUT,
          run.output()
              + cut
              + "\n[timed out after "
              + timeout.toSeconds()
              + "s: process tree killed]",
          run.truncated());
    }
    String text = run.output() + cut + "\n[exit code " + run.exitCode() + "]";
    return new ToolResult(
        run.exitCode() == 0 ? ToolOutcome.OK : ToolOutcome.ERROR, text, run.truncated());
  }

  private static JsonNode emptySchema() {
    var schema = Json.mapper().createObjectNode().put("type", "object");
    schema.putObject("properties");
    schema.put("additionalProperties", false);
    return schema;
  }
}
