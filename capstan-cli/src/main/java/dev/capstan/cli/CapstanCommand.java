package dev.capstan.cli;

import dev.capstan.cli.daemon.DaemonCommand;
import dev.capstan.error.CapstanException;
import dev.capstan.error.ExitCode;
import dev.capstan.version.CapstanVersion;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code capstan} command.
 *
 * <p>Confined to the main thread.
 */
@Command(
    name = "capstan",
    mixinStandardHelpOptions = true,
    versionProvider = CapstanCommand.Version.class,
    description = "Capstan: a self-hosted control plane for AI agents.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure (the message says what)",
      "2:bad arguments or bad configuration",
      "3:the daemon is not running",
      "4:the daemon is alive but not answering, or a remote daemon is unreachable",
      "5:another daemon already owns this home",
      "6:no free port in the preferred port and the fallback range",
      "7:the daemon rejected the token",
      "8:no such repo, task or other object",
      "9:a followed task failed (task logs -f)",
      "10:a followed task was cancelled (task logs -f)"
    })
public final class CapstanCommand implements Runnable {
  private final CliContext context;

  @Spec CommandSpec spec;

  public CapstanCommand(CliContext context) {
    this.context = context;
  }

  /** The surroundings, for subcommands. */
  public CliContext context() {
    return context;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
  }

  /**
   * System property that, when {@code false}, sends every command through picocli. The launcher
   * sets it while it trains its startup cache, so that the cache holds picocli's classes for the
   * other commands too.
   */
  public static final String FAST_PATH_PROPERTY = "capstan.cli.fastPath";

  /** Parses {@code args}, runs the command and returns the process exit code. */
  public static int execute(CliContext context, String... args) {
    // why: `daemon status` is what scripts and health checks run again and again; building
    // picocli's model reflects over annotations, about a quarter of the command's time in a fresh
    // JVM. Its two exact forms skip that; anything else (--help, typos) goes through picocli.
    if (isPlainDaemonStatus(args)
        && !"false".equals(System.getProperty(FAST_PATH_PROPERTY, "true"))) {
      try {
        DaemonCommand.Status.show(context, args.length == 3);
        return ExitCode.OK.code();
      } catch (RuntimeException e) {
        return report(context, e);
      }
    }
    return executeWithPicocli(context, args);
  }

  /** {@code daemon status} or {@code daemon status --json}, exactly. */
  static boolean isPlainDaemonStatus(String[] args) {
    return (args.length == 2 || (args.length == 3 && args[2].equals("--json")))
        && args[0].equals("daemon")
        && args[1].equals("status");
  }

  /** Like {@link #execute}, always through picocli. */
  static int executeWithPicocli(CliContext context, String... args) {
    CommandLine commandLine = new CommandLine(new CapstanCommand(context));
    CommandTree.addSubcommands(commandLine, CapstanCommand.class, args, 0);
    commandLine.setOut(new PrintWriter(context.out(), true));
    commandLine.setErr(new PrintWriter(context.err(), true));
    commandLine.setExecutionExceptionHandler(
        (exception, cmd, parseResult) -> report(context, exception));
    return commandLine.execute(args);
  }

  private static int report(CliContext context, Exception exception) {
    if (exception instanceof CliException cli) {
      printError(context, cli);
      return cli.exitCode().code();
    }
    if (exception instanceof CapstanException capstan) {
      printError(context, capstan);
      return capstan.code() == dev.capstan.error.ErrorCode.CONFIG_INVALID
          ? ExitCode.USAGE.code()
          : ExitCode.FAILURE.code();
    }
    if (exception instanceof UncheckedIOException io) {
      context.err().println("capstan: " + io.getMessage() + ": " + io.getCause().getMessage());
      return ExitCode.FAILURE.code();
    }
    context.err().println("capstan: unexpected error: " + exception);
    exception.printStackTrace(context.err());
    return ExitCode.FAILURE.code();
  }

  private static void printError(CliContext context, CapstanException exception) {
    context.err().println("capstan: " + exception.getMessage());
    if (!exception.hint().isBlank()) {
      context.err().println("hint: " + exception.hint());
    }
  }

  /** Supplies {@code --version}. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "capstan " + CapstanVersion.get(),
        "JVM: " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"
      };
    }
  }
}
