package dev.capstan.cli;

import dev.capstan.cli.cluster.ClusterCommand;
import dev.capstan.cli.config.ConfigCommand;
import dev.capstan.cli.daemon.DaemonCommand;
import dev.capstan.cli.daemon.DaemonLogsCommand;
import dev.capstan.cli.daemon.DaemonResetCommand;
import dev.capstan.cli.doctor.DoctorCommand;
import dev.capstan.cli.events.EventsCommand;
import dev.capstan.cli.gc.GcCommand;
import dev.capstan.cli.limits.LimitsCommand;
import dev.capstan.cli.llm.LlmCommand;
import dev.capstan.cli.repo.RepoCommand;
import dev.capstan.cli.session.ApprovalsCommand;
import dev.capstan.cli.session.ChatCommand;
import dev.capstan.cli.session.SendCommand;
import dev.capstan.cli.session.SessionCommand;
import dev.capstan.cli.task.TaskCommand;
import dev.capstan.cli.task.TaskLogsCommand;
import dev.capstan.cli.token.TokenCommand;
import dev.capstan.cli.tools.ToolsCommand;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The command hierarchy, built lazily: picocli reflects over every command class it is given, and
 * every CLI invocation pays for that at startup, so only the branch the arguments address is built.
 * When the arguments name no known subcommand (help, typos), the whole level is built so that help
 * and suggestions stay complete.
 *
 * <p>Thread-safe (immutable table).
 */
final class CommandTree {
  private static final Map<Class<?>, List<Child>> CHILDREN =
      Map.ofEntries(
          Map.entry(
              CapstanCommand.class,
              List.of(
                  child("daemon", DaemonCommand.class),
                  child("doctor", DoctorCommand.class),
                  child("repo", RepoCommand.class),
                  child("task", TaskCommand.class),
                  child("limits", LimitsCommand.class),
                  child("cluster", ClusterCommand.class),
                  child("gc", GcCommand.class),
                  child("session", SessionCommand.class),
                  child("chat", ChatCommand.class),
                  child("approvals", ApprovalsCommand.class),
                  child("approve", ApprovalsCommand.Approve.class),
                  child("deny", ApprovalsCommand.Deny.class),
                  child("llm", LlmCommand.class),
                  child("tools", ToolsCommand.class),
                  child("events", EventsCommand.class),
                  child("token", TokenCommand.class),
                  child("config", ConfigCommand.class),
                  child("help", CommandLine.HelpCommand.class))),
          Map.entry(
              DaemonCommand.class,
              List.of(
                  child("run", DaemonCommand.Run.class),
                  child("start", DaemonCommand.Start.class),
                  child("stop", DaemonCommand.Stop.class),
                  child("status", DaemonCommand.Status.class),
                  child("restart", DaemonCommand.Restart.class),
                  child("logs", DaemonLogsCommand.class),
                  child("reset", DaemonResetCommand.class))),
          Map.entry(
              RepoCommand.class,
              List.of(
                  child("add", RepoCommand.Add.class),
                  child("list", RepoCommand.ListRepos.class),
                  child("show", RepoCommand.Show.class),
                  child("set", RepoCommand.Set.class),
                  child("rm", RepoCommand.Remove.class))),
          Map.entry(
              TaskCommand.class,
              List.of(
                  child("add", TaskCommand.Add.class),
                  child("list", TaskCommand.ListTasks.class),
                  child("show", TaskCommand.Show.class),
                  child("logs", TaskLogsCommand.class),
                  child("cancel", TaskCommand.Cancel.class),
                  child("retry", TaskCommand.Retry.class),
                  child("restart", TaskCommand.Restart.class),
                  child("redo", TaskCommand.Redo.class))),
          Map.entry(LimitsCommand.class, List.of(child("set", LimitsCommand.Set.class))),
          Map.entry(
              SessionCommand.class,
              List.of(
                  child("new", SessionCommand.New.class),
                  child("list", SessionCommand.ListSessions.class),
                  child("show", SessionCommand.Show.class),
                  child("rename", SessionCommand.Rename.class),
                  child("rm", SessionCommand.Remove.class),
                  child("send", SendCommand.class),
                  child("cancel", SessionCommand.Cancel.class))),
          Map.entry(
              ApprovalsCommand.class, List.of(child("list", ApprovalsCommand.ListApprovals.class))),
          Map.entry(TokenCommand.class, List.of(child("rotate", TokenCommand.Rotate.class))),
          Map.entry(ConfigCommand.class, List.of(child("show", ConfigCommand.Show.class))),
          Map.entry(LlmCommand.class, List.of(child("status", LlmCommand.Status.class))),
          Map.entry(ToolsCommand.class, List.of(child("list", ToolsCommand.ListTools.class))));

  private CommandTree() {}

  /**
   * A subcommand and its name. The name repeats its {@code @Command(name)}, so that finding the
   * addressed command does not parse the annotations of all its siblings; a test keeps the two
   * equal.
   */
  record Child(String name, Class<?> type) {}

  private static Child child(String name, Class<?> type) {
    return new Child(name, type);
  }

  /** Every parent with its subcommands, for the test that checks the names. */
  static Map<Class<?>, List<Child>> table() {
    return CHILDREN;
  }

  /** Adds the subcommands of {@code type} to {@code parent} that {@code args[depth]} needs. */
  static void addSubcommands(CommandLine parent, Class<?> type, String[] args, int depth) {
    List<Child> children = CHILDREN.getOrDefault(type, List.of());
    String next = depth < args.length ? args[depth] : "";
    List<Child> addressed = children.stream().filter(child -> child.name().equals(next)).toList();
    boolean narrow = !addressed.isEmpty();
    for (Child child : narrow ? addressed : children) {
      parent.addSubcommand(child.name(), child.type());
      CommandLine added = parent.getSubcommands().get(child.name());
      addSubcommands(added, child.type(), narrow ? args : new String[0], narrow ? depth + 1 : 0);
    }
  }
}
