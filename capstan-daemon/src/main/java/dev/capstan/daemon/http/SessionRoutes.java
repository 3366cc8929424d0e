package dev.capstan.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.approval.ApprovalScope;
import dev.capstan.approval.ApprovalStatus;
import dev.capstan.approval.Approvals;
import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.session.Sessions;
import dev.capstan.session.Turn;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions, turns and approvals over HTTP: {@code /api/sessions…} and {@code /api/approvals…}.
 * Unknown ids answer 404 {@code NOT_FOUND}, bad input 400, a second decision on an approval 409
 * {@code ALREADY_RESOLVED}, all in the one error shape.
 *
 * <p>Registered once by {@link HttpApi}; the handlers are thread-safe.
 */
final class SessionRoutes {
  static final int MAX_APPROVALS = 1_000;

  private SessionRoutes() {}

  /** {@code POST /api/sessions}. */
  record CreateSession(String dir, String model, String title) {}

  /** {@code PATCH /api/sessions/{id}}. */
  record RenameSession(String title) {}

  /** {@code POST /api/sessions/{id}/turns}. */
  record SubmitTurn(String message) {}

  /** {@code POST /api/sessions/{id}/cancel}. */
  record CancelTurns(String turnId) {}

  /** {@code POST /api/approvals/{id}}. */
  record Decide(String decision, String reason, String scope, String by) {}

  static void register(JavalinConfig config, Sessions sessions, Approvals approvals) {
    config.routes.post(
        "/api/sessions",
        ctx -> {
          CreateSession body = requiredBody(ctx, CreateSession.class);
          ctx.status(HttpStatus.CREATED)
              .json(
                  sessions.create(
                      body.dir(),
                      Optional.ofNullable(body.model()),
                      Optional.ofNullable(body.title())));
        });
    config.routes.get("/api/sessions", ctx -> ctx.json(Map.of("sessions", sessions.list())));
    config.routes.get("/api/sessions/{id}", ctx -> ctx.json(sessions.history(ctx.pathParam("id"))));
    config.routes.patch(
        "/api/sessions/{id}",
        ctx ->
            ctx.json(
                sessions.rename(
                    ctx.pathParam("id"), requiredBody(ctx, RenameSession.class).title())));
    config.routes.delete(
        "/api/sessions/{id}",
        ctx -> {
          String id = ctx.pathParam("id");
          List<String> cancelled = sessions.delete(id);
          ctx.json(Map.of("deleted", id, "cancelled", cancelled));
        });
    config.routes.post(
        "/api/sessions/{id}/turns",
        ctx -> {
          var submitted =
              sessions.submit(
                  ctx.pathParam("id"),
                  requiredBody(ctx, SubmitTurn.class).message(),
                  IdempotencyHeader.of(ctx));
          IdempotencyHeader.mark(ctx, submitted);
          Turn turn = submitted.value();
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("turnId", turn.id());
          answer.put("sessionId", turn.sessionId());
          answer.put("position", turn.position());
          answer.put("status", turn.status());
          answer.put("stream", "session/" + turn.sessionId());
          ctx.status(HttpStatus.ACCEPTED).json(answer);
        });
    config.routes.get(
        "/api/sessions/{id}/turns",
        ctx -> ctx.json(Map.of("turns", sessions.turns(ctx.pathParam("id")))));
    config.routes.post(
        "/api/sessions/{id}/cancel",
        ctx -> {
          Optional<String> turnId =
              HttpApi.optionalBody(ctx, CancelTurns.class)
                  .map(CancelTurns::turnId)
                  .filter(t -> !t.isBlank());
          ctx.json(Map.of("cancelled", sessions.cancel(ctx.pathParam("id"), turnId)));
        });
    config.routes.put(
        "/api/sessions/{id}/policies",
        ctx -> {
          JsonNode body = requiredBody(ctx, JsonNode.class);
          if (!body.isObject()) {
            throw new BadInput(
                "The body must be an object of tool → policy, such as {\"run_command\":\"allow\"}.");
          }
          Map<String, String> policies = new LinkedHashMap<>();
          for (Map.Entry<String, JsonNode> entry : body.properties()) {
            if (!entry.getValue().isTextual()) {
              throw new BadInput("The policy of " + entry.getKey() + " must be a string.");
            }
            policies.put(entry.getKey(), entry.getValue().asText());
          }
          ctx.json(Map.of("policies", sessions.setPolicies(ctx.pathParam("id"), policies)));
        });

    config.routes.get(
        "/api/approvals",
        ctx -> {
          Optional<ApprovalStatus> status =
              Optional.ofNullable(ctx.queryParam("status"))
                  .filter(s -> !s.isBlank())
                  .map(SessionRoutes::status);
          ctx.json(Map.of("approvals", approvals.list(status, MAX_APPROVALS)));
        });
    config.routes.get("/api/approvals/{id}", ctx -> ctx.json(approvals.get(ctx.pathParam("id"))));
    config.routes.post(
        "/api/approvals/{id}",
        ctx -> {
          Decide body = requiredBody(ctx, Decide.class);
          ctx.json(
              sessions.decide(
                  ctx.pathParam("id"),
                  verdict(body.decision(), body.scope(), body.reason(), body.by(), "http")));
        });
  }

  /** Parses a decision as HTTP and WebSocket clients send it. */
  static Approvals.Verdict verdict(
      String decision, String scope, String reason, String by, String defaultBy) {
    boolean approve =
        switch (decision == null ? "" : decision.strip().toLowerCase(Locale.ROOT)) {
          case "approve", "approved", "allow", "yes" -> true;
          case "deny", "denied", "no" -> false;
          default ->
              throw new BadInput(
                  "\"decision\" must be approve or deny, was '"
                      + (decision == null ? "" : decision)
                      + "'.");
        };
    ApprovalScope parsedScope;
    try {
      parsedScope =
          scope == null || scope.isBlank() ? ApprovalScope.ONCE : ApprovalScope.fromWireName(scope);
    } catch (IllegalArgumentException e) {
      throw new BadInput("\"scope\" must be once or session, was '" + scope + "'.");
    }
    String who = by == null || by.isBlank() ? defaultBy : by.strip();
    if (who.length() > 100) {
      throw new BadInput("\"by\" has more than 100 characters.");
    }
    return new Approvals.Verdict(approve, parsedScope, who, reason == null ? "" : reason.strip());
  }

  private static ApprovalStatus status(String text) {
    try {
      return ApprovalStatus.fromWireName(text);
    } catch (IllegalArgumentException e) {
      throw new BadInput(
          "Unknown status '" + text + "'; use pending, approved, denied, cancelled or expired.");
    }
  }

  private static <T> T requiredBody(Context ctx, Class<T> type) {
    return HttpApi.optionalBody(ctx, type)
        .orElseThrow(() -> new BadInput("This route needs a JSON body."));
  }

  /** A request with a value the route cannot use. */
  static final class BadInput extends CapstanException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(ErrorCode.BAD_REQUEST, message, "See the HTTP API in the README.");
    }
  }
}
