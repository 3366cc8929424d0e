package dev.capstan.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Output;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code capstan session}: conversations with the built-in agent. */
@Command(
    name = "session",
    mixinStandardHelpOptions = true,
    description = {
      "Sessions with the built-in agent, each bound to a workspace directory its tools cannot"
          + " leave. Turns of a session run one at a time, in order; everything is stored."
    })
public final class SessionCommand {
  @ParentCommand CapstanCommand root;

  CliContext context() {
    return root.context();
  }

  /** {@code capstan session new}. */
  @Command(name = "new", mixinStandardHelpOptions = true, description = "Create a session.")
  public static final class New implements Runnable {
    @ParentCommand SessionCommand parent;

    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "The workspace directory (default: the current directory).")
    String dir;

    @Option(names = "--model", paramLabel = "MODEL", description = "The model to ask for.")
    String model;

    @Option(names = "--title", paramLabel = "TITLE", description = "A title.")
    String title;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.context();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("dir", Path.of(dir == null ? "." : dir).toAbsolutePath().normalize().toString());
      body.put("model", model);
      body.put("title", title);
      JsonNode session = new SessionApi(context).post("/api/sessions", body);
      if (json) {
        Output.json(context.out(), session);
      } else {
        context.out().println(session.path("id").asText());
        context
            .err()
            .println(
                "Session "
                    + session.path("id").asText()
                    + " in "
                    + session.path("workspace").asText()
                    + ". Talk to it: capstan chat "
                    + session.path("id").asText());
      }
    }
  }

  /** {@code capstan session list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List sessions.")
  public static final class ListSessions implements Runnable {
    @ParentCommand SessionCommand parent;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.context();
      JsonNode answer = new SessionApi(context).get("/api/sessions");
      if (json) {
        Output.json(context.out(), answer.path("sessions"));
        return;
      }
      if (answer.path("sessions").isEmpty()) {
        context.out().println("No sessions. Create one: capstan session new --dir DIR");
        return;
      }
      context.out().printf("%-16s  %-30s  %s%n", "ID", "TITLE", "WORKSPACE");
      for (JsonNode session : answer.path("sessions")) {
        context
            .out()
            .printf(
                "%-16s  %-30s  %s%n",
                session.path("id").asText(),
                session.path("title").asText(),
                session.path("workspace").asText());
      }
    }
  }

  /** {@code capstan session show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a session with every turn, its status, answer and tool calls.")
  public static final class Show implements Runnable {
    @ParentCommand SessionCommand parent;

    @Parameters(paramLabel = "SESSION", description = "The session id.")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.context();
      JsonNode history = new SessionApi(context).get("/api/sessions/" + SessionApi.segment(id));
      if (json) {
        Output.json(context.out(), history);
        return;
      }
      TurnPrinter.printHistory(context.out(), history);
    }
  }

  /** {@code capstan session rename}. */
  @Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename a session.")
  public static final class Rename implements Runnable {
    @ParentCommand SessionCommand parent;

    @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
    String id;

    @Parameters(index = "1", paramLabel = "TITLE", description = "The new title.")
    String title;

    @Override
    public void run() {
      CliContext context = parent.context();
      JsonNode session =
          new SessionApi(context)
              .patch("/api/sessions/" + SessionApi.segment(id), Map.of("title", title));
      context.out().println("Renamed " + id + " to \"" + session.path("title").asText() + "\".");
    }
  }

  /** {@code capstan session rm}. */
  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description = "Remove a session; its running and queued turns are cancelled first.")
  public static final class Remove implements Runnable {
    @ParentCommand SessionCommand parent;

    @Parameters(paramLabel = "SESSION", description = "The session id.")
    String id;

    @Override
    public void run() {
      CliContext context = parent.context();
      JsonNode answer = new SessionApi(context).delete("/api/sessions/" + SessionApi.segment(id));
      int cancelled = answer.path("cancelled").size();
      context
          .out()
          .println(
              "Removed " + id + (cancelled > 0 ? " (cancelled " + cancelled + " turn(s))." : "."));
    }
  }

  /** {@code capstan session cancel}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = {
        "Cancel the running and queued turns of a session, or one turn with --turn.",
        "A turn stuck on the LLM, on an approval or on a command stops at once; its pending"
            + " approvals are resolved as cancelled. Submit a new turn to go on."
      })
  public static final class Cancel implements Runnable {
    @ParentCommand SessionCommand parent;

    @Parameters(paramLabel = "SESSION", description = "The session id.")
    String id;

    @Option(names = "--turn", paramLabel = "TURN", description = "Cancel only this turn.")
    String turn;

    @Override
    public void run() {
      CliContext context = parent.context();
      Map<String, Object> body = new LinkedHashMap<>();
      if (turn != null) {
        body.put("turnId", turn);
      }
      JsonNode answer =
          new SessionApi(context).post("/api/sessions/" + SessionApi.segment(id) + "/cancel", body);
      if (answer.path("cancelled").isEmpty()) {
        context.out().println("Nothing to cancel in " + id + ".");
      }
      for (JsonNode cancelled : answer.path("cancelled")) {
        context.out().println("Cancelled " + cancelled.asText());
      }
    }
  }
}
