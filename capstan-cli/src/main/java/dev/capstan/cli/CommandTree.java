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
import picocli.CommandLine.Command;

/**
 * The command hierarchy, built lazily: picocli reflects over every command class it is given, and
 * every CLI invocation pays for that at startup, so only the branch the arguments address is built.
 * When the arguments name no known subcommand (help, typos), the whole level is built so that help
 * and suggestions stay complete.
 *
 * <p>Thread-safe (immutable table).
 */
final class CommandTree {
  private static final Map<Class<?>, List<Class<?>>> CHILDREN =
      Map.ofEntries(
          Map.entry(
              CapstanCommand.class,
              List.of(
                  DaemonCommand.class,
                  DoctorCommand.class,
                  RepoCommand.class,
                  TaskCommand.class,
                  LimitsCommand.class,
                  ClusterCommand.class,
                  GcCommand.class,
                  SessionCommand.class,
                  ChatCommand.class,
                  ApprovalsCommand.class,
                  ApprovalsCommand.Approve.class,
                  ApprovalsCommand.Deny.class,
                  LlmCommand.class,
                  ToolsCommand.class,
                  EventsCommand.class,
                  TokenCommand.class,
                  ConfigCommand.class)),
          Map.entry(
              DaemonCommand.class,
              List.of(
                  DaemonCommand.Run.class,
                  DaemonCommand.Start.class,
                  DaemonCommand.Stop.class,
                  DaemonCommand.Status.class,
                  DaemonCommand.Restart.class,
                  DaemonLogsCommand.class,
                  DaemonResetCommand.class)),
          Map.entry(
              RepoCommand.class,
              List.of(
                  RepoCommand.Add.class,
                  RepoCommand.ListRepos.class,
                  RepoCommand.Show.class,
                  RepoCommand.Set.class,
                  RepoCommand.Remove.class)),
          Map.entry(
              TaskCommand.class,
              List.of(
                  TaskCommand.Add.class,
                  TaskCommand.ListTasks.class,
                  TaskCommand.Show.class,
                  TaskLogsCommand.class,
                  TaskCommand.Cancel.class,
                  TaskCommand.Retry.class,
                  TaskCommand.Restart.class,
                  TaskCommand.Redo.class)),
          Map.entry(LimitsCommand.class, List.of(LimitsCommand.Set.class)),
          Map.entry(
              SessionCommand.class,
              List.of(
                  SessionCommand.New.class,
                  SessionCommand.ListSessions.class,
                  SessionCommand.Show.class,
                  SessionCommand.Rename.class,
                  SessionCommand.Remove.class,
                  SendCommand.class,
                  SessionCommand.Cancel.class)),
          Map.entry(ApprovalsCommand.class, List.of(ApprovalsCommand.ListApprovals.class)),
          Map.entry(TokenCommand.class, List.of(TokenCommand.Rotate.class)),
          Map.entry(ConfigCommand.class, List.of(ConfigCommand.Show.class)),
          Map.entry(LlmCommand.class, List.of(LlmCommand.Status.class)),
          Map.entry(ToolsCommand.class, List.of(ToolsCommand.ListTools.class)));

  private CommandTree() {}

  /** Adds the subcommands of {@code type} to {@code parent} that {@code args[depth]} needs. */
  static void addSubcommands(CommandLine parent, Class<?> type, String[] args, int depth) {
    List<Class<?>> children = CHILDREN.getOrDefault(type, List.of());
    String next = depth < args.length ? args[depth] : "";
    List<Class<?>> addressed =
        children.stream().filter(child -> nameOf(child).equals(next)).toList();
    boolean narrow = !addressed.isEmpty();
    for (Class<?> child : narrow ? addressed : children) {
      parent.addSubcommand(nameOf(child), child);
      CommandLine added = parent.getSubcommands().get(nameOf(child));
      addSubcommands(added, child, narrow ? args : new String[0], narrow ? depth + 1 : 0);
    }
  }

  private static String nameOf(Class<?> command) {
    return command.getAnnotation(Command.class).name();
  }
}
