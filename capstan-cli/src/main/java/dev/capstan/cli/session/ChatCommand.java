package dev.capstan.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

/** {@code capstan chat}: talk to a session in the terminal. */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Talk to a session: the answer streams as it is generated, tool calls are shown, and"
          + " permission requests are asked inline (y/n/a).",
      "Ctrl-C cancels the running turn, not chat; Ctrl-C twice at the prompt (or /quit, or"
          + " Ctrl-D) leaves. If the daemon restarts, chat reconnects and resumes where it was.",
      "Without SESSION, a new session is created for --dir (default: the current directory)."
    })
public final class ChatCommand implements Runnable {
  @ParentCommand CapstanCommand root;

  @Parameters(arity = "0..1", paramLabel = "SESSION", description = "The session id.")
  String sessionId;

  @Option(names = "--dir", paramLabel = "DIR", description = "Workspace of a new session.")
  String dir;

  @Option(names = "--model", paramLabel = "MODEL", description = "Model of a new session.")
  String model;

  private final AtomicReference<String> runningTurn = new AtomicReference<>();
  private final AtomicBoolean cancelRequested = new AtomicBoolean();
  private volatile boolean interruptedAtPrompt;

  @Override
  public void run() {
    CliContext context = root.context();
    SessionApi api = new SessionApi(context);
    String id = sessionId == null ? newSession(api) : sessionId;
    JsonNode session = api.get("/api/sessions/" + SessionApi.segment(id)).path("session");
    context
        .err()
        .println(
            "Chatting with session "
                + id
                + " in "
                + session.path("workspace").asText()
                + ". Ctrl-C cancels a turn; /quit leaves.");
    LineInput in = LineInput.of(System.in);
    installInterruptHandler(context, api, id);
    TurnWatch watch = new TurnWatch(context, api, id, false);
    while (true) {
      context.out().print("> ");
      context.out().flush();
      String line = in.next().orElse(null);
      if (line == null) {
        if (interruptedAtPrompt) {
          // why: Ctrl-C at the prompt closes nothing; a second one within the prompt leaves.
          interruptedAtPrompt = false;
          continue;
        }
        context.out().println();
        return;
      }
      interruptedAtPrompt = false;
      String message = line.strip();
      if (message.isEmpty()) {
        continue;
      }
      if (message.equals("/quit") || message.equals("/exit")) {
        return;
      }
      long after = watch.lastSeq();
      String turnId =
          api.post("/api/sessions/" + SessionApi.segment(id) + "/turns", Map.of("message", message))
              .path("turnId")
              .asText();
      cancelRequested.set(false);
      runningTurn.set(turnId);
      try {
        TurnWatch.Outcome outcome =
            watch.follow(turnId, after, request -> askInline(context, in, request));
        if (in.ended() && outcome.errorCode().isEmpty() && !outcome.ended()) {
          // why: a question went unanswered because the input ended; the turn waits for the
          // answer in the daemon, and nothing more can be typed here.
          return;
        }
        outcome
            .errorCode()
            .ifPresent(
                code ->
                    context
                        .err()
                        .println(
                            "[turn "
                                + code
                                + "] "
                                + outcome.message()
                                + "\nhint: "
                                + SendCommand.hintFor(code, id)));
      } finally {
        runningTurn.set(null);
      }
    }
  }

  private String newSession(SessionApi api) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dir", Path.of(dir == null ? "." : dir).toAbsolutePath().normalize().toString());
    body.put("model", model);
    return api.post("/api/sessions", body).path("id").asText();
  }

  /** Asks about one permission request; false (stop following) when the input has ended. */
  private boolean askInline(CliContext context, LineInput in, JsonNode request) {
    String approvalId = request.path("approvalId").asText();
    context
        .err()
        .print(
            "Allow "
                + request.path("tool").asText()
                + " "
                + request.path("arguments").asText()
                + "? [y]es / [n]o / [a]lways in this session: ");
    context.err().flush();
    Optional<String> answer = in.nextUnless(cancelRequested::get);
    if (answer.isEmpty()) {
      if (in.ended()) {
        context
            .err()
            .println("\n(no answer; it stays pending: capstan approve " + approvalId + ")");
        return false;
      }
      // why: Ctrl-C while asked cancels the turn; the daemon cancels the request with it.
      context.err().println("(not answered: the turn is being cancelled)");
      return true;
    }
    String choice = answer.get().strip().toLowerCase(Locale.ROOT);
    boolean always = choice.startsWith("a");
    boolean yes = always || choice.startsWith("y");
    try {
      ApprovalsCommand.decide(
          context, approvalId, yes ? "approve" : "deny", null, always ? "session" : "once", false);
    } catch (CliException e) {
      // Race: another client answered first, or the turn ended; that decision stands.
      context.err().println("capstan: " + e.getMessage());
    }
    return true;
  }

  private void installInterruptHandler(CliContext context, SessionApi api, String id) {
    try {
      Signal.handle(
          new Signal("INT"),
          signal -> {
            String turnId = runningTurn.get();
            if (turnId == null) {
              if (interruptedAtPrompt) {
                context.out().println();
                System.exit(130);
              }
              interruptedAtPrompt = true;
              context.err().println("\n(Ctrl-C again to leave, or type a message)");
              context.out().print("> ");
              context.out().flush();
              return;
            }
            cancelRequested.set(true);
            context.err().println("\n^C cancelling turn " + turnId + " …");
            try {
              api.post(
                  "/api/sessions/" + SessionApi.segment(id) + "/cancel", Map.of("turnId", turnId));
            } catch (RuntimeException e) {
              context.err().println("capstan: cancel failed: " + e.getMessage());
            }
          });
    } catch (IllegalArgumentException e) {
      // why: no SIGINT to take over (not a terminal, or the JVM reserves it): Ctrl-C then
      // ends chat as it would any command.
    }
  }
}
