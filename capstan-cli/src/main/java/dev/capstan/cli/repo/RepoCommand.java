package dev.capstan.cli.repo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.ApiJson;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Details;
import dev.capstan.cli.Output;
import dev.capstan.cli.Table;
import dev.capstan.cli.client.DaemonApi;
import dev.capstan.config.ValueParsers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan repo}: the git repositories tasks run against. */
@Command(
    name = "repo",
    mixinStandardHelpOptions = true,
    description = {
      "Register and configure the git repositories tasks run against.",
      "A local path is used in place (tasks work in their own worktrees; your checkout is never"
          + " touched); a URL is cloned under the home directory."
    })
public final class RepoCommand {
  @ParentCommand CapstanCommand root;

  CliContext context() {
    return root.context();
  }

  private static final Pattern URL =
      Pattern.compile("(?i)(https?|ssh|git|file)://.+|[A-Za-z0-9._-]+@[^:/]+:.+");

  /** The {@code source} to send for {@code given}: URLs as they are, paths made absolute. */
  static String source(String given) {
    if (URL.matcher(given).matches()) {
      return given;
    }
    // why: the daemon runs in another directory; a relative path means the caller's.
    return Path.of(given).toAbsolutePath().normalize().toString();
  }

  /** {@code capstan repo add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Register a git repository: a local path (used in place) or a URL (cloned under the home"
            + " directory).",
        "Refused with a clear error when it is not a git repository, the base branch does not"
            + " exist or the name is taken."
      })
  public static final class Add implements Runnable {
    @ParentCommand RepoCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH|URL", description = "A local path or a git URL.")
    String source;

    @Option(names = "--name", description = "The repo's name (default: the directory's name).")
    String name;

    @Option(
        names = "--base-branch",
        paramLabel = "BRANCH",
        description = "Branch task branches start from (default: the repo's current branch).")
    String baseBranch;

    @Option(
        names = "--max-concurrent",
        paramLabel = "N",
        description = "Tasks of this repo that may run at once (default 2).")
    Integer maxConcurrent;

    @Option(names = "--agent", description = "Default agent for its tasks, e.g. command.")
    String agent;

    @Option(
        names = "--command",
        paramLabel = "CMD",
        description = "Default command for the command agent.")
    String command;

    @Option(
        names = "--setup",
        paramLabel = "CMD",
        description = "Runs in each new worktree before the agent (e.g. npm ci).")
    String setup;

    @Option(names = "--json", description = "Print the repo as JSON.")
    boolean json;

    @Override
    public void run() {
      RepoCommand.positive(spec, "--max-concurrent", maxConcurrent);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("source", source(source));
      putIfGiven(body, "name", name);
      putIfGiven(body, "baseBranch", baseBranch);
      putIfGiven(body, "maxConcurrent", maxConcurrent);
      putIfGiven(body, "agent", agent);
      putIfGiven(body, "command", command);
      putIfGiven(body, "setup", setup);
      JsonNode repo = DaemonApi.of(parent.context()).post("/api/repos", body);
      PrintStream out = parent.context().out();
      if (json) {
        Output.json(out, repo);
        return;
      }
      out.println(
          "Added repo "
              + Table.printable(repo.path("name").asText())
              + " ("
              + Table.printable(repo.path("path").asText())
              + ", base branch "
              + Table.printable(repo.path("baseBranch").asText())
              + ", up to "
              + repo.path("maxConcurrent").asText()
              + " tasks at once).");
    }
  }

  /** {@code capstan repo list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the repos.")
  public static final class ListRepos implements Runnable {
    @ParentCommand RepoCommand parent;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      JsonNode answer = DaemonApi.of(parent.context()).get("/api/repos");
      PrintStream out = parent.context().out();
      if (json) {
        Output.json(out, answer);
        return;
      }
      Table table = new Table("NAME", "BASE", "ACTIVE", "QUEUED", "AGENT", "PATH");
      for (JsonNode repo : answer.path("repos")) {
        table.row(
            ApiJson.text(repo, "name"),
            ApiJson.text(repo, "baseBranch"),
            repo.path("activeTasks").asInt() + "/" + repo.path("maxConcurrent").asInt(),
            repo.path("queuedTasks").asInt(),
            ApiJson.text(repo, "agent"),
            ApiJson.text(repo, "path"));
      }
      if (table.isEmpty()) {
        out.println("No repos yet. Add one with `capstan repo add <path|url>`.");
        return;
      }
      table.print(out);
    }
  }

  /** {@code capstan repo show}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one repo.")
  public static final class Show implements Runnable {
    @ParentCommand RepoCommand parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "The repo's name.")
    String name;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public void run() {
      JsonNode repo = DaemonApi.of(parent.context()).get(RepoNames.path(name));
      PrintStream out = parent.context().out();
      if (json) {
        Output.json(out, repo);
        return;
      }
      details(repo).print(out);
    }
  }

  /** {@code capstan repo set}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Change a repo's settings; a new --max-concurrent takes effect at once.",
        "Timeouts take durations such as 90s, 10m or 2h, or 'default' for the global default."
      })
  public static final class Set implements Runnable {
    @ParentCommand RepoCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The repo's name.")
    String name;

    @Option(names = "--base-branch", paramLabel = "BRANCH", description = "New base branch.")
    String baseBranch;

    @Option(names = "--max-concurrent", paramLabel = "N", description = "New per-repo limit.")
    Integer maxConcurrent;

    @Option(names = "--agent", description = "New default agent.")
    String agent;

    @Option(names = "--command", paramLabel = "CMD", description = "New default command.")
    String command;

    @Option(
        names = "--setup",
        paramLabel = "CMD",
        description = "New setup command ('' to run none).")
    String setup;

    @Option(
        names = "--provision-timeout",
        paramLabel = "DURATION",
        description = "How long creating the worktree and running setup may take.")
    String provisionTimeout;

    @Option(
        names = "--run-timeout",
        paramLabel = "DURATION",
        description = "How long one attempt may run in total.")
    String runTimeout;

    @Option(
        names = "--idle-timeout",
        paramLabel = "DURATION",
        description = "How long an agent may print nothing before it is stopped.")
    String idleTimeout;

    @Option(names = "--json", description = "Print the updated repo as JSON.")
    boolean json;

    @Override
    public void run() {
      RepoCommand.positive(spec, "--max-concurrent", maxConcurrent);
      Map<String, Object> body = new LinkedHashMap<>();
      putIfGiven(body, "baseBranch", baseBranch);
      putIfGiven(body, "maxConcurrent", maxConcurrent);
      putIfGiven(body, "agent", agent);
      putIfGiven(body, "command", command);
      putIfGiven(body, "setup", setup);
      putDuration(spec, body, "provisionTimeout", "--provision-timeout", provisionTimeout);
      putDuration(spec, body, "runTimeout", "--run-timeout", runTimeout);
      putDuration(spec, body, "idleTimeout", "--idle-timeout", idleTimeout);
      if (body.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Nothing to change: give at least one setting (see --help).");
      }
      JsonNode repo = DaemonApi.of(parent.context()).patch(RepoNames.path(name), body);
      PrintStream out = parent.context().out();
      if (json) {
        Output.json(out, repo);
        return;
      }
      out.println("Updated repo " + Table.printable(repo.path("name").asText()) + ".");
      details(repo).print(out);
    }
  }

  /** {@code capstan repo rm}. */
  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description = {
        "Unregister a repo. Refused while it has queued or active tasks (cancel them first).",
        "A local repository itself is left as it is."
      })
  public static final class Remove implements Runnable {
    @ParentCommand RepoCommand parent;

    @Parameters(index = "0", paramLabel = "NAME", description = "The repo's name.")
    String name;

    @Override
    public void run() {
      DaemonApi.of(parent.context()).delete(RepoNames.path(name));
      parent.context().out().println("Removed repo " + name + ".");
    }
  }

  static Details details(JsonNode repo) {
    return new Details()
        .add("name", ApiJson.text(repo, "name"))
        .add("source", ApiJson.text(repo, "source"))
        .add("path", ApiJson.text(repo, "path"))
        .add("base branch", ApiJson.text(repo, "baseBranch"))
        .add("max concurrent", ApiJson.text(repo, "maxConcurrent"))
        .add(
            "tasks",
            repo.path("activeTasks").asInt()
                + " active, "
                + repo.path("queuedTasks").asInt()
                + " queued")
        .add("agent", ApiJson.text(repo, "agent"))
        .add("command", ApiJson.text(repo, "command"))
        .add("setup", ApiJson.text(repo, "setup"))
        .add("provision timeout", ApiJson.duration(repo, "provisionTimeout", "default"))
        .add("run timeout", ApiJson.duration(repo, "runTimeout", "default"))
        .add("idle timeout", ApiJson.duration(repo, "idleTimeout", "default"))
        .add("created", ApiJson.text(repo, "createdAt"))
        .add("updated", ApiJson.text(repo, "updatedAt"));
  }

  static void positive(CommandSpec spec, String option, Integer value) {
    if (value != null && value < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " must be at least 1, was " + value);
    }
  }

  private static void putIfGiven(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  private static void putDuration(
      CommandSpec spec, Map<String, Object> body, String key, String option, String value) {
    if (value == null) {
      return;
    }
    if (value.equalsIgnoreCase("default")) {
      body.put(key, null);
      return;
    }
    body.put(key, isoDuration(spec, option, value));
  }

  /** {@code 10m}, {@code 90s}, {@code 2h} or ISO {@code PT10M} as ISO-8601. */
  static String isoDuration(CommandSpec spec, String option, String value) {
    try {
      Duration duration =
          value.toUpperCase(Locale.ROOT).startsWith("P")
              ? Duration.parse(value)
              : ValueParsers.duration(value);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("must be longer than zero");
      }
      return duration.toString();
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          option
              + " '"
              + value
              + "': expected a duration such as 90s, 10m or 2h, or 'default' ("
              + e.getMessage()
              + ")");
    }
  }
}
