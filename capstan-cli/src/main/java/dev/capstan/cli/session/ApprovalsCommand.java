package dev.capstan.cli.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Output;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code capstan approvals}: permission requests waiting for a person. */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    description = {
      "List permission requests (pending ones by default). They are durable: a client that"
          + " disconnected, or a daemon restart, loses none.",
      "Answer one with `capstan approve ID` or `capstan deny ID`."
    })
public final class ApprovalsCommand implements Runnable {
  @ParentCommand CapstanCommand root;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      defaultValue = "pending",
      description = "pending (default), approved, denied, cancelled, expired, or all.")
  String status;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public void run() {
    list(root.context(), status, json);
  }

  static void list(CliContext context, String status, boolean json) {
    String query = status.equalsIgnoreCase("all") ? "" : "?status=" + SessionApi.segment(status);
    JsonNode approvals = new SessionApi(context).get("/api/approvals" + query).path("approvals");
    if (json) {
      Output.json(context.out(), approvals);
      return;
    }
    if (approvals.isEmpty()) {
      context.out().println("No " + (query.isEmpty() ? "" : status + " ") + "approvals.");
      return;
    }
    for (JsonNode approval : approvals) {
      String owner =
          approval.path("sessionId").isTextual()
              ? "session " + approval.path("sessionId").asText()
              : "task " + approval.path("taskId").asText();
      context
          .out()
          .println(
              approval.path("id").asText()
                  + "  "
                  + approval.path("status").asText()
                  + "  "
                  + approval.path("tool").asText()
                  + "  "
                  + owner
                  + "  "
                  + approval.path("requestedAt").asText());
      context.out().println("    " + approval.path("argumentsPreview").asText());
    }
  }

  /** {@code capstan approvals list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List approvals.")
  public static final class ListApprovals implements Runnable {
    @ParentCommand ApprovalsCommand parent;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        defaultValue = "pending",
        description = "pending (default), approved, denied, cancelled, expired, or all.")
    String status;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      list(parent.root.context(), status, json);
    }
  }

  /** {@code capstan approve}. */
  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Approve a permission request; the waiting tool call runs.")
  public static final class Approve implements Runnable {
    @ParentCommand CapstanCommand root;

    @Parameters(paramLabel = "APPROVAL", description = "The approval id.")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded).")
    String reason;

    @Option(
        names = "--session-scope",
        description = "Also allow this tool for the rest of the session.")
    boolean sessionScope;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      decide(root.context(), id, "approve", reason, sessionScope ? "session" : "once", json);
    }
  }

  /** {@code capstan deny}. */
  @Command(
      name = "deny",
      mixinStandardHelpOptions = true,
      description = "Deny a permission request; the model is told and goes on without it.")
  public static final class Deny implements Runnable {
    @ParentCommand CapstanCommand root;

    @Parameters(paramLabel = "APPROVAL", description = "The approval id.")
    String id;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "Why (recorded, told to the model).")
    String reason;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      decide(root.context(), id, "deny", reason, "once", json);
    }
  }

  static JsonNode decide(
      CliContext context, String id, String decision, String reason, String scope, boolean json) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("decision", decision);
    body.put("scope", scope);
    body.put("by", SessionApi.decider(context));
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode approval =
        new SessionApi(context).post("/api/approvals/" + SessionApi.segment(id), body);
    if (json) {
      Output.json(context.out(), approval);
    } else {
      context
          .out()
          .println(
              approval.path("id").asText()
                  + " "
                  + approval.path("status").asText()
                  + (approval.path("scope").asText("").equals("session")
                      ? " (and allowed for the rest of the session)"
                      : "")
                  + ".");
    }
    return approval;
  }
}
