package dev.capstan.daemon.http;

import dev.capstan.daemon.task.RepoService;
import dev.capstan.daemon.task.TaskApi;
import dev.capstan.daemon.task.TaskEngine;
import dev.capstan.daemon.task.TaskQueries;
import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.task.NewTask;
import dev.capstan.task.TaskNotFound;
import dev.capstan.task.TaskState;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tasks API: {@code /api/repos}, {@code /api/tasks}, {@code /api/limits}, {@code /api/cluster}
 * and {@code /api/gc}, as documented in the README. Every error is a {@link CapstanException} and
 * so answers in the one error shape.
 *
 * <p>Registered once by {@link HttpApi}; the handlers are thread-safe.
 */
final class TaskRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1_000;
  static final int DEFAULT_HEALTH_EVENTS = 50;

  private TaskRoutes() {}

  /** Body of {@code POST /api/repos}. */
  record RepoRequest(
      String source,
      String name,
      String baseBranch,
      Integer maxConcurrent,
      String agent,
      String command,
      String setup) {}

  /** Body of {@code PATCH /api/repos/{name}}. */
  record RepoPatchRequest(
      String baseBranch,
      Integer maxConcurrent,
      String agent,
      String command,
      String setup,
      String provisionTimeout,
      String runTimeout,
      String idleTimeout) {}

  /** Body of {@code POST /api/tasks}. */
  record TaskRequest(
      String repo, String prompt, String agent, String command, Integer priority, String title) {}

  /** Body of {@code PUT /api/limits}. */
  record LimitsRequest(Integer maxConcurrent) {}

  /** Body of {@code POST /api/gc}. */
  record GcRequest(Boolean dryRun) {}

  static void register(JavalinConfig config, TaskApi api) {
    TaskEngine engine = api.engine();
    RepoService repos = api.repos();

    config.routes.post(
        "/api/repos",
        ctx -> {
          RepoRequest body = requiredBody(ctx, RepoRequest.class);
          var added =
              repos.add(
                  new RepoService.NewRepo(
                      body.source(),
                      Optional.ofNullable(body.name()),
                      Optional.ofNullable(body.baseBranch()),
                      Optional.ofNullable(body.maxConcurrent()),
                      Optional.ofNullable(body.agent()),
                      Optional.ofNullable(body.command()),
                      Optional.ofNullable(body.setup())),
                  IdempotencyHeader.of(ctx));
          IdempotencyHeader.mark(ctx, added);
          ctx.status(HttpStatus.CREATED).json(TaskQueries.repo(engine, added.value()));
        });
    config.routes.get("/api/repos", ctx -> ctx.json(Map.of("repos", TaskQueries.repos(engine))));
    config.routes.get(
        "/api/repos/{name}",
        ctx -> ctx.json(TaskQueries.repo(engine, repos.find(ctx.pathParam("name")))));
    config.routes.patch(
        "/api/repos/{name}",
        ctx -> {
          RepoPatchRequest body = requiredBody(ctx, RepoPatchRequest.class);
          var repo =
              repos.change(
                  ctx.pathParam("name"),
                  new RepoService.RepoPatch(
                      Optional.ofNullable(body.baseBranch()),
                      Optional.ofNullable(body.maxConcurrent()),
                      Optional.ofNullable(body.agent()),
                      Optional.ofNullable(body.command()),
                      Optional.ofNullable(body.setup()),
                      duration("provisionTimeout", body.provisionTimeout()),
                      duration("runTimeout", body.runTimeout()),
                      duration("idleTimeout", body.idleTimeout())));
          ctx.json(TaskQueries.repo(engine, repo));
        });
    config.routes.delete(
        "/api/repos/{name}",
        ctx -> {
          repos.remove(ctx.pathParam("name"));
          ctx.status(HttpStatus.NO_CONTENT);
        });

    config.routes.post(
        "/api/tasks",
        ctx -> {
          TaskRequest body = requiredBody(ctx, TaskRequest.class);
          if (body.repo() == null || body.repo().isBlank()) {
            throw new BadField("repo", "\"repo\" is required.");
          }
          if (body.prompt() == null) {
            throw new BadField("prompt", "\"prompt\" is required.");
          }
          var submitted =
              engine.submit(
                  new NewTask(
                      body.repo(),
                      body.title() == null ? "" : body.title(),
                      body.prompt(),
                      body.agent() == null ? "" : body.agent(),
                      Optional.ofNullable(body.command()).filter(c -> !c.isBlank()),
                      body.priority() == null ? 0 : body.priority()),
                  IdempotencyHeader.of(ctx));
          IdempotencyHeader.mark(ctx, submitted);
          ctx.status(HttpStatus.CREATED).json(TaskQueries.brief(engine, submitted.value()));
        });
    config.routes.get(
        "/api/tasks",
        ctx ->
            ctx.json(
                Map.of(
                    "tasks",
                    TaskQueries.tasks(
                        engine,
                        TaskQueries.query(
                            states(ctx.queryParam("state")),
                            Optional.ofNullable(ctx.queryParam("repo")).filter(r -> !r.isBlank()),
                            limit(ctx.queryParam("limit")))))));
    config.routes.post(
        "/api/tasks/cancel-active", ctx -> ctx.json(Map.of("cancelled", engine.cancelAllActive())));
    config.routes.get(
        "/api/tasks/{id}", ctx -> ctx.json(TaskQueries.task(engine, engine.find(taskId(ctx)))));
    config.routes.post(
        "/api/tasks/{id}/cancel",
        ctx -> ctx.json(TaskQueries.brief(engine, engine.cancel(taskId(ctx)))));
    config.routes.post(
        "/api/tasks/{id}/retry",
        ctx -> ctx.json(TaskQueries.brief(engine, engine.retry(taskId(ctx)))));
    config.routes.post(
        "/api/tasks/{id}/restart",
        ctx -> ctx.json(TaskQueries.brief(engine, engine.restart(taskId(ctx)))));
    config.routes.post(
        "/api/tasks/{id}/redo",
        ctx -> ctx.json(TaskQueries.brief(engine, engine.redo(taskId(ctx)))));

    config.routes.get("/api/limits", ctx -> ctx.json(TaskQueries.limits(engine)));
    config.routes.put(
        "/api/limits",
        ctx -> {
          LimitsRequest body = requiredBody(ctx, LimitsRequest.class);
          if (body.maxConcurrent() == null) {
            throw new BadField("maxConcurrent", "\"maxConcurrent\" is required.");
          }
          engine.setGlobalLimit(body.maxConcurrent());
          ctx.json(TaskQueries.limits(engine));
        });
    config.routes.get(
        "/api/cluster",
        ctx ->
            ctx.json(
                TaskQueries.cluster(
                    engine,
                    boundedInt(ctx.queryParam("events"), "events", DEFAULT_HEALTH_EVENTS))));
    config.routes.get("/api/gc", ctx -> ctx.json(api.gc().usage()));
    config.routes.post(
        "/api/gc",
        ctx -> {
          boolean dryRun =
              HttpApi.optionalBody(ctx, GcRequest.class)
                  .map(GcRequest::dryRun)
                  .map(Boolean.TRUE::equals)
                  .orElse(false);
          ctx.json(api.gc().collect(dryRun));
        });
  }

  private static <T> T requiredBody(Context ctx, Class<T> type) {
    return HttpApi.optionalBody(ctx, type)
        .orElseThrow(() -> new InvalidJson("the body is empty; this route needs a JSON object"));
  }

  private static long taskId(Context ctx) {
    String text = ctx.pathParam("id");
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // falls through: a non-numeric id names no task
    }
    throw new TaskNotFound(printable(text));
  }

  private static Set<TaskState> states(String text) {
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    for (String name : text.split(",")) {
      states.add(
          TaskState.fromWireName(name.strip())
              .orElseThrow(
                  () ->
                      new BadField(
                          "state",
                          "Unknown state \""
                              + printable(name.strip())
                              + "\"; known: queued, provisioning, running, pr_opened, completed,"
                              + " needs_attention, failed, cancelled.")));
    }
    return states;
  }

  private static int limit(String text) {
    return Math.min(MAX_LIMIT, boundedInt(text, "limit", DEFAULT_LIMIT));
  }

  private static int boundedInt(String text, String name, int fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.strip());
      if (value >= 1) {
        return Math.min(value, MAX_LIMIT);
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new BadField(name, "The query parameter '" + name + "' must be a whole number >= 1.");
  }

  private static Optional<Duration> duration(String field, String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      Duration duration = Duration.parse(text.strip());
      if (duration.isNegative() || duration.isZero()) {
        throw new BadField(field, "\"" + field + "\" must be longer than zero.");
      }
      return Optional.of(duration);
    } catch (DateTimeParseException e) {
      throw new BadField(
          field,
          "\""
              + field
              + "\" must be an ISO-8601 duration such as PT10M, was \""
              + printable(text)
              + "\".");
    }
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(100)
        .forEach(cp -> out.append(Character.isISOControl(cp) ? "?" : Character.toString(cp)));
    return out.toString();
  }

  /** A field or query parameter with a bad value. */
  static final class BadField extends CapstanException {
    private static final long serialVersionUID = 1L;

    BadField(String name, String message) {
      super(ErrorCode.BAD_REQUEST, message, "Fix '" + name + "' and retry.");
    }
  }
}
