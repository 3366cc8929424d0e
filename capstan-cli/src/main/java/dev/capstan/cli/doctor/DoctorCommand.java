package dev.capstan.cli.doctor;

import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Output;
import dev.capstan.cli.Table;
import dev.capstan.error.ExitCode;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan doctor}: check the whole local installation, and repair what is safe to. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check the home, its files and modes, the configuration, the daemon manifest and lock, the"
          + " daemon, the port, the database, git and the system tools, the LLM server and the"
          + " disk. Each finding comes with the command that fixes it.",
      "--fix repairs what is safe to: creates a missing home, restores modes 0700/0600, moves a"
          + " corrupt manifest aside, removes a stale one, and replaces a hung daemon as `capstan"
          + " daemon restart` does. It never starts a daemon that is not running.",
      "Exits 0 when no check fails (warnings allowed), 1 otherwise."
    })
public final class DoctorCommand implements Callable<Integer> {
  @ParentCommand CapstanCommand root;

  @Option(names = "--fix", description = "Repair what can be repaired safely.")
  boolean fix;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = root.context();
    List<Check> checks = new Doctor(context, fix).run();
    boolean ok = checks.stream().noneMatch(check -> check.status() == Check.Status.FAIL);
    if (json) {
      Output.json(context.out(), body(checks, ok));
    } else {
      print(context.out(), checks, ok);
    }
    return ok ? ExitCode.OK.code() : ExitCode.FAILURE.code();
  }

  static Map<String, Object> body(List<Check> checks, boolean ok) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "checks",
        checks.stream()
            .map(
                check -> {
                  Map<String, Object> row = new LinkedHashMap<>();
                  row.put("name", check.name());
                  row.put("status", check.status().label());
                  row.put("finding", check.finding());
                  row.put("fix", check.fix());
                  row.put("fixed", check.fixed());
                  return row;
                })
            .toList());
    body.put("ok", ok);
    return body;
  }

  static void print(PrintStream out, List<Check> checks, boolean ok) {
    Table table = new Table("CHECK", "STATUS", "FINDING");
    for (Check check : checks) {
      table.row(check.name(), check.status().label(), check.finding());
    }
    // why: Table cuts long cells; doctor's findings and fixes are the point, so they get their own
    // untruncated lines below the summary table.
    table.print(out);
    for (Check check : checks) {
      if (check.status() != Check.Status.OK || check.fixed()) {
        out.println();
        out.println(styled(check) + " " + check.name() + ": " + Table.printable(check.finding()));
        if (!check.fix().isBlank()) {
          out.println((check.fixed() ? "  fixed: " : "  fix: ") + Table.printable(check.fix()));
        }
      }
    }
    long failed = checks.stream().filter(c -> c.status() == Check.Status.FAIL).count();
    long warned = checks.stream().filter(c -> c.status() == Check.Status.WARN).count();
    long fixed = checks.stream().filter(Check::fixed).count();
    out.println();
    out.println(
        (ok ? Output.styled("green", "No problems") : Output.styled("red", failed + " failed"))
            + (warned > 0 ? ", " + warned + " warning(s)" : "")
            + (fixed > 0 ? ", " + fixed + " fixed" : "")
            + " ("
            + checks.size()
            + " checks).");
  }

  private static String styled(Check check) {
    if (check.fixed()) {
      return Output.styled("green", "[fixed]");
    }
    return switch (check.status()) {
      case OK -> Output.styled("green", "[ok]");
      case WARN -> Output.styled("yellow", "[warn]");
      case FAIL -> Output.styled("red", "[fail]");
    };
  }
}
