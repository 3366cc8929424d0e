package dev.capstan.cli.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.ApiJson;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Details;
import dev.capstan.cli.Output;
import dev.capstan.cli.Table;
import dev.capstan.cli.client.DaemonApi;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan task}: queue, inspect and steer tasks. */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description = {
      "Queue agent tasks against repos, watch them, and recover them.",
      "Each task runs in its own git worktree on branch capstan/task-<id>, within the global and"
          + " per-repo limits. A queued task shows why it waits (WAITING in `task list`)."
    })
public final class TaskCommand {
  @ParentCommand CapstanCommand root;

  CliContext context() {
    return root.context();
  }

  /** {@code capstan task add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Queue a task. The prompt comes from the argument, from --prompt-file, or from standard"
            + " input when the argument is '-'.",
        "The prompt reaches the agent in CAPSTAN_PROMPT and a file, never through a shell."
      })
  public static final class Add implements Runnable {
    @ParentCommand TaskCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = "The repo.")
    String repo;

    @Option(names = "--agent", description = "The agent (default: the repo's), e.g. command.")
    String agent;

    @Option(
        names = "--command",
        paramLabel = "CMD",
        description = "The command the command agent runs (default: the repo's).")
    String command;

    @Option(
        names = "--priority",
        paramLabel = "P",
        description = "Higher runs first (default 0); equal priorities run in order of arrival.")
    Integer priority;

    @Option(names = "--title", paramLabel = "T", description = "A short title for lists.")
    String title;

    @Option(
        names = "--prompt-file",
        paramLabel = "FILE",
        description = "Read the prompt from this file (UTF-8).")
    Path promptFile;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "PROMPT",
        description = "The prompt, or '-' to read it from standard input.")
    String prompt;

    @Option(names = "--json", description = "Print the task as JSON.")
    boolean json;

    @Override
    public void run() {
      String text = Prompts.read(spec, prompt, promptFile, System.in);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("repo", repo);
      body.put("prompt", text);
      if (agent != null) {
        body.put("agent", agent);
      }
      if (command != null) {
        body.put("command", command);
      }
      if (priority != null) {
        body.put("priority", priority);
      }
      if (title != null) {
        body.put("title", title);
      }
      JsonNode task = DaemonApi.of(parent.context()).post("/api/tasks", body);
      PrintStream out = parent.context().out();
      if (json) {
        Output.json(out, task);
        return;
      }
      out.println(
          "Queued task "
              + task.path("id").asText()
              + " on "
              + Table.printable(task.path("repo").asText())
              + " (agent "
              + Table.printable(task.path("agent").asText())
              + ", state "
              + task.path("state").asText()
              + ").");
      String waiting = ApiJson.text(task, "pendingReason");
      if (waiting != null) {
        out.println("Waiting: " + Table.printable(waiting));
      }
    }
  }

  /** {@code capstan task list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List tasks, newest first. WAITING says why a queued task has not started (a limit).",
        "States: queued, provisioning, running, pr_opened, needs_attention, completed, failed,"
            + " cancelled."
      })
  public static final class ListTasks implements Runnable {
    @ParentCommand TaskCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = "--state",
        paramLabel = "S[,S]",
        split = ",",
        description = "Only tasks in these states.")
    List<String> states = new ArrayList<>();

    @Option(names = "--repo", paramLabel = "REPO", description = "Only tasks of this repo.")
    String repo;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      StringBuilder query = new StringBuilder("/api/tasks?limit=");
      if (limit < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 1");
      }
      query.append(limit);
      if (!states.isEmpty()) {
        List<String> normalized = new ArrayList<>();
        for (String state : states) {
          String name = state.trim().toLowerCase(Locale.ROOT);
          if (!TaskStates.ALL.contains(name)) {
            throw new CommandLine.ParameterException(
                spec.commandLine(),
                "Unknown state '"
                    + Table.printable(state)
                    + "'. States: "
                    + String.join(", ", TaskStates.ALL));
          }
          normalized.add(name);
        }
        query.append("&state=").append(String.join(",", normalized));
      }
      if (repo != null) {
        query.append("&repo=").append(DaemonApi.encode(repo));
      }
      JsonNode answer = DaemonApi.of(parent.context()).get(query.toString());
      PrintStream out = parent.context().out();
      if (json) {
        Output.json(out, answer);
        return;
      }
      Table table =
          new Table("ID", "STATE", "REPO", "AGENT", "PRI", "TRIES", "UPDATED", "TITLE", "WAITING");
      for (JsonNode task : answer.path("tasks")) {
        table.row(
            task.path("id").asText(),
            task.path("state").asText(),
            ApiJson.text(task, "repo"),
            ApiJson.text(task, "agent"),
            task.path("priority").asInt(),
            task.path("attempts").size(),
            ApiJson.text(task, "updatedAt"),
            Table.cell(titleOf(task), 40),
            ApiJson.text(task, "pendingReason"));
      }
      if (table.isEmpty()) {
        out.println("No tasks" + (states.isEmpty() && repo == null ? " yet." : " match."));
        return;
      }
      table.print(out);
    }
  }

  /** {@code capstan task show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a task: its state, why it waits, every attempt and its history.")
  public static final class Show implements Runnable {
    @ParentCommand TaskCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The task's id.")
    String id;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      JsonNode task = DaemonApi.of(parent.context()).get(TaskIds.path(id));
      PrintStream out = parent.context().out();
      if (json) {
        Output.json(out, task);
        return;
      }
      print(out, task);
    }

    static void print(PrintStream out, JsonNode task) {
      new Details()
          .add("id", ApiJson.text(task, "id"))
          .add("repo", ApiJson.text(task, "repo"))
          .add("title", ApiJson.text(task, "title"))
          .add("state", ApiJson.text(task, "state"))
          .add("waiting", ApiJson.text(task, "pendingReason"))
          .add("agent", ApiJson.text(task, "agent"))
          .add("command", ApiJson.text(task, "command"))
          .add("priority", ApiJson.text(task, "priority"))
          .add("branch", ApiJson.text(task, "branch"))
          .add("workspace", ApiJson.text(task, "workspace"))
          .add("retries", ApiJson.text(task, "retries"))
          .add("created", ApiJson.text(task, "createdAt"))
          .add("updated", ApiJson.text(task, "updatedAt"))
          .add("prompt", Table.cell(ApiJson.text(task, "prompt"), 200))
          .print(out);
      JsonNode attempts = task.path("attempts");
      out.println();
      if (attempts.isEmpty()) {
        out.println("Attempts: none yet");
      } else {
        out.println("Attempts:");
        Table table =
            new Table("#", "AGENT", "OUTCOME", "STARTED", "ENDED", "EXIT", "CHANGES", "REASON");
        for (JsonNode attempt : attempts) {
          table.row(
              ApiJson.text(attempt, "number"),
              ApiJson.text(attempt, "agent"),
              ApiJson.text(attempt, "outcome"),
              ApiJson.text(attempt, "startedAt"),
              ApiJson.text(attempt, "endedAt"),
              ApiJson.text(attempt, "exitCode"),
              changes(attempt),
              ApiJson.text(attempt, "reason"));
        }
        table.print(out);
      }
      JsonNode history = task.path("history");
      if (!history.isEmpty()) {
        out.println();
        out.println("History:");
        Table table = new Table("AT", "FROM", "TO", "TRIGGER", "MESSAGE");
        for (JsonNode row : history) {
          table.row(
              ApiJson.text(row, "at"),
              ApiJson.text(row, "from"),
              ApiJson.text(row, "to"),
              ApiJson.text(row, "trigger"),
              ApiJson.text(row, "message"));
        }
        table.print(out);
      }
    }

    private static String changes(JsonNode attempt) {
      JsonNode diffstat = attempt.path("diffstat");
      String commit = ApiJson.text(attempt, "commit");
      if (!diffstat.isObject()) {
        return commit == null ? null : shortCommit(commit);
      }
      String stat =
          diffstat.path("files").asInt()
              + " files +"
              + diffstat.path("insertions").asInt()
              + " -"
              + diffstat.path("deletions").asInt();
      return commit == null ? stat : stat + " " + shortCommit(commit);
    }

    private static String shortCommit(String commit) {
      return commit.length() > 10 ? commit.substring(0, 10) : commit;
    }
  }

  /** {@code capstan task cancel}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = {
        "Cancel a task (its whole process tree is stopped; nothing is committed afterwards), or"
            + " with --all-active every queued, provisioning and running task.",
        "Cancelling a cancelled task is fine; a completed task cannot be cancelled."
      })
  public static final class Cancel implements Runnable {
    @ParentCommand TaskCommand parent;
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** One task or all active ones. */
    static final class Target {
      @Parameters(index = "0", paramLabel = "ID", description = "The task's id.")
      String id;

      @Option(
          names = "--all-active",
          description = "Cancel every queued, provisioning and running task.")
      boolean allActive;
    }

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      DaemonApi api = DaemonApi.of(parent.context());
      PrintStream out = parent.context().out();
      if (target.allActive) {
        JsonNode answer = api.post("/api/tasks/cancel-active", null);
        if (json) {
          Output.json(out, answer);
          return;
        }
        List<String> ids = new ArrayList<>();
        answer.path("cancelled").forEach(id -> ids.add(id.asText()));
        out.println(
            ids.isEmpty()
                ? "No active tasks to cancel."
                : "Cancelled " + ids.size() + " task(s): " + String.join(", ", ids));
        return;
      }
      JsonNode task = api.post(TaskIds.path(target.id) + "/cancel", null);
      if (json) {
        Output.json(out, task);
        return;
      }
      out.println("Task " + task.path("id").asText() + " is " + task.path("state").asText() + ".");
    }
  }

  /** {@code capstan task retry}. */
  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = {
        "Queue a failed or cancelled task again; it runs as a new attempt on its branch.",
        "Counts against the retry limit. Earlier attempts and their output are kept."
      })
  public static final class Retry implements Runnable {
    @ParentCommand TaskCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The task's id.")
    String id;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      act(parent.context(), id, "retry", json, "queued again for a new attempt");
    }
  }

  /** {@code capstan task restart}. */
  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = {
        "Force restart: stop the task if it runs, then start a fresh agent on its existing branch"
            + " and worktree.",
        "Use it when the agent failed or got stuck but the branch is fine. Earlier attempts stay."
      })
  public static final class Restart implements Runnable {
    @ParentCommand TaskCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The task's id.")
    String id;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      act(parent.context(), id, "restart", json, "restarting on its existing branch");
    }
  }

  /** {@code capstan task redo}. */
  @Command(
      name = "redo",
      mixinStandardHelpOptions = true,
      description = {
        "Force redo: start over from the base branch with a new branch and worktree.",
        "Use it when the branch is broken or you want a clean attempt. Earlier attempts and their"
            + " output stay."
      })
  public static final class Redo implements Runnable {
    @ParentCommand TaskCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The task's id.")
    String id;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      act(parent.context(), id, "redo", json, "starting over from the base branch");
    }
  }

  private static void act(
      CliContext context, String id, String action, boolean json, String doing) {
    JsonNode task = DaemonApi.of(context).post(TaskIds.path(id) + "/" + action, null);
    PrintStream out = context.out();
    if (json) {
      Output.json(out, task);
      return;
    }
    out.println(
        "Task "
            + task.path("id").asText()
            + ": "
            + doing
            + " (state "
            + task.path("state").asText()
            + ", attempts so far "
            + task.path("attempts").size()
            + ").");
    String waiting = ApiJson.text(task, "pendingReason");
    if (waiting != null) {
      out.println("Waiting: " + Table.printable(waiting));
    }
  }

  static String titleOf(JsonNode task) {
    String title = ApiJson.text(task, "title");
    if (title != null && !title.isBlank()) {
      return title;
    }
    String prompt = ApiJson.text(task, "prompt");
    if (prompt == null) {
      return null;
    }
    String firstLine = prompt.strip().lines().findFirst().orElse("");
    return firstLine;
  }
}
