package dev.capstan.store.jdbc;

import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.IdempotencyStore;
import dev.capstan.idempotency.Idempotent;
import dev.capstan.task.Attempt;
import dev.capstan.task.AttemptEffect;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.Diffstat;
import dev.capstan.task.HealthEvent;
import dev.capstan.task.HealthKind;
import dev.capstan.task.NewTask;
import dev.capstan.task.OpenTask;
import dev.capstan.task.Repo;
import dev.capstan.task.StateChange;
import dev.capstan.task.Task;
import dev.capstan.task.TaskAudit;
import dev.capstan.task.TaskQuery;
import dev.capstan.task.TaskState;
import dev.capstan.task.TaskStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Repos, tasks, attempts, audit rows, health events and limits on JDBC. A state change is one
 * transaction: the compare-and-set {@code UPDATE tasks ... WHERE id = ? AND state = ? AND attempt =
 * ?}, the attempt effect and the {@code task_events} row; zero updated rows is a lost race and
 * writes nothing.
 *
 * <p>Thread-safe.
 */
public final class JdbcTaskStore implements TaskStore {
  private static final String GLOBAL_LIMIT = "global.maxConcurrent";
  private static final String TASK_COLUMNS =
      "id, repo, title, prompt, agent, command, priority, state, attempt, generation, branch,"
          + " workspace, retries, auto_retries, created_micros, updated_micros";

  private final Database database;
  private final Jdbi jdbi;

  public JdbcTaskStore(Database database) {
    this.database = database;
    this.jdbi = database.jdbi();
  }

  @Override
  public Optional<Idempotent<String>> insertRepo(Repo repo, Optional<IdempotencyKey> key) {
    if (key.isEmpty()) {
      // why: one statement that writes first; a SQLite transaction that reads and then writes can
      // fail with SQLITE_BUSY at once when another writer committed in between.
      return jdbi.withHandle(handle -> insertRepoRow(handle, repo))
          ? Optional.of(Idempotent.created(repo.name()))
          : Optional.empty();
    }
    // why: the key is claimed first, a write, for the same reason.
    try {
      return database.inWriteTransaction(
          handle -> {
            Optional<String> earlier =
                JdbcIdempotencyStore.claim(
                    handle, IdempotencyStore.REPOS, key.get(), repo.createdAt());
            if (earlier.isPresent()) {
              return Optional.of(Idempotent.replayed(earlier.get()));
            }
            if (!insertRepoRow(handle, repo)) {
              // why: throwing undoes this unit's claim of the key, and only this unit's work:
              // a rollback here would end a group commit that other writers share.
              throw new NameTaken();
            }
            JdbcIdempotencyStore.bind(handle, IdempotencyStore.REPOS, key.get(), repo.name());
            return Optional.of(Idempotent.created(repo.name()));
          });
    } catch (NameTaken e) {
      return Optional.empty();
    }
  }

  /** The repo's name is taken: the keyed insert stores nothing. */
  private static final class NameTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NameTaken() {
      super("repo name taken", null, false, false);
    }
  }

  private boolean insertRepoRow(Handle handle, Repo repo) {
    return handle
            .createUpdate(
                "INSERT INTO repos (name, source, path, base_branch, max_concurrent, agent,"
                    + " command, setup, provision_timeout_ms, run_timeout_ms,"
                    + " idle_timeout_ms, created_micros, updated_micros) VALUES (:name,"
                    + " :source, :path, :base, :max, :agent, :command, :setup, :provision,"
                    + " :run, :idle, :created, :updated) ON CONFLICT (name) DO NOTHING")
            .bind("name", repo.name())
            .bind("source", repo.source())
            .bind("created", micros(repo.createdAt()))
            .bindMap(repoSettings(repo))
            .execute()
        == 1;
  }

  @Override
  public Optional<Repo> findRepo(String name) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM repos WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> repo(rs))
                .findOne());
  }

  @Override
  public List<Repo> listRepos() {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM repos ORDER BY name")
                .map((rs, ctx) -> repo(rs))
                .list());
  }

  @Override
  public void updateRepo(Repo repo) {
    jdbi.useHandle(
        handle ->
            handle
                .createUpdate(
                    "UPDATE repos SET path = :path, base_branch = :base, max_concurrent = :max,"
                        + " agent = :agent, command = :command, setup = :setup,"
                        + " provision_timeout_ms = :provision, run_timeout_ms = :run,"
                        + " idle_timeout_ms = :idle, updated_micros = :updated WHERE name = :name")
                .bind("name", repo.name())
                .bindMap(repoSettings(repo))
                .execute());
  }

  @Override
  public boolean deleteRepo(String name) {
    return jdbi.withHandle(
        handle ->
            handle
                    .createUpdate(
                        "DELETE FROM repos WHERE name = :name AND NOT EXISTS (SELECT 1 FROM tasks"
                            + " WHERE repo = :name AND state IN ('queued', 'provisioning',"
                            + " 'running'))")
                    .bind("name", name)
                    .execute()
                == 1);
  }

  @Override
  public Idempotent<Task> insertTask(NewTask task, Instant at, Optional<IdempotencyKey> key) {
    return database.inWriteTransaction(
        handle -> {
          if (key.isPresent()) {
            Optional<String> earlier =
                JdbcIdempotencyStore.claim(handle, IdempotencyStore.TASKS, key.get(), at);
            if (earlier.isPresent()) {
              return Idempotent.replayed(
                  findTask(handle, Long.parseLong(earlier.get())).orElseThrow());
            }
          }
          long id =
              handle
                  .createQuery(
                      "INSERT INTO tasks (repo, title, prompt, agent, command, priority, state,"
                          + " attempt, generation, retries, auto_retries, created_micros,"
                          + " updated_micros) VALUES (:repo, :title, :prompt, :agent, :command,"
                          + " :priority, 'queued', 0, 1, 0, 0, :at, :at) RETURNING id")
                  .bind("repo", task.repo())
                  .bind("title", task.title())
                  .bind("prompt", task.prompt())
                  .bind("agent", task.agent())
                  .bind("command", task.command().orElse(null))
                  .bind("priority", task.priority())
                  .bind("at", micros(at))
                  .mapTo(Long.class)
                  .one();
          audit(handle, id, at, null, TaskState.QUEUED, "submit", "submitted");
          key.ifPresent(
              k -> JdbcIdempotencyStore.bind(handle, IdempotencyStore.TASKS, k, Long.toString(id)));
          return Idempotent.created(findTask(handle, id).orElseThrow());
        });
  }

  @Override
  public Optional<Task> findTask(long id) {
    return jdbi.withHandle(handle -> findTask(handle, id));
  }

  @Override
  public List<Task> listTasks(TaskQuery query) {
    StringBuilder sql = new StringBuilder("SELECT " + TASK_COLUMNS + " FROM tasks WHERE 1 = 1");
    if (!query.states().isEmpty()) {
      sql.append(" AND state IN (<states>)");
    }
    query.repo().ifPresent(repo -> sql.append(" AND repo = :repo"));
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return jdbi.withHandle(
        handle -> {
          Query select = handle.createQuery(sql.toString()).bind("limit", query.limit());
          if (!query.states().isEmpty()) {
            select.bindList("states", wireNames(query.states()));
          }
          query.repo().ifPresent(repo -> select.bind("repo", repo));
          return select.map((rs, ctx) -> task(rs)).list();
        });
  }

  @Override
  public List<Task> tasksIn(Set<TaskState> states) {
    if (states.isEmpty()) {
      return List.of();
    }
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT " + TASK_COLUMNS + " FROM tasks WHERE state IN (<states>) ORDER BY id")
                .bindList("states", wireNames(states))
                .map((rs, ctx) -> task(rs))
                .list());
  }

  @Override
  public List<OpenTask> openTasks() {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT id, repo, priority, created_micros, state FROM tasks WHERE state IN"
                        + " ('queued', 'provisioning', 'running') ORDER BY id")
                .map(
                    (rs, ctx) ->
                        new OpenTask(
                            rs.getLong("id"),
                            rs.getString("repo"),
                            rs.getInt("priority"),
                            instant(rs.getLong("created_micros")),
                            state(rs.getString("state"))))
                .list());
  }

  @Override
  public List<Attempt> attempts(long taskId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM attempts WHERE task_id = :id ORDER BY number")
                .bind("id", taskId)
                .map((rs, ctx) -> attempt(rs))
                .list());
  }

  @Override
  public List<TaskAudit> history(long taskId) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM task_events WHERE task_id = :id ORDER BY id")
                .bind("id", taskId)
                .map(
                    (rs, ctx) ->
                        new TaskAudit(
                            rs.getLong("task_id"),
                            instant(rs.getLong("at_micros")),
                            Optional.ofNullable(rs.getString("from_state"))
                                .map(JdbcTaskStore::state),
                            state(rs.getString("to_state")),
                            rs.getString("trigger_name"),
                            rs.getString("message")))
                .list());
  }

  @Override
  public Optional<Task> transition(StateChange change) {
    return database.inWriteTransaction(handle -> transitionIn(handle, change));
  }

  private static Optional<Task> transitionIn(Handle handle, StateChange change) {
    int nextAttempt =
        change.effect() instanceof AttemptEffect.Begin
            ? change.expectedAttempt() + 1
            : change.expectedAttempt();
    StringBuilder set =
        new StringBuilder("UPDATE tasks SET state = :to, updated_micros = :at, attempt = :next");
    for (StateChange.Counter counter : change.counters()) {
      set.append(
          switch (counter) {
            case RETRIES -> ", retries = retries + 1";
            case AUTO_RETRIES -> ", auto_retries = auto_retries + 1";
            case GENERATION -> ", generation = generation + 1";
          });
    }
    switch (change.effect()) {
      case AttemptEffect.Begin begin -> set.append(", branch = :branch, workspace = NULL");
      case AttemptEffect.Provisioned provisioned -> set.append(", workspace = :workspace");
      case AttemptEffect.End end -> {}
      case AttemptEffect.None none -> {}
    }
    set.append(" WHERE id = :id AND state = :from AND attempt = :expected");
    var update =
        handle
            .createUpdate(set.toString())
            .bind("to", change.to().wireName())
            .bind("at", micros(change.at()))
            .bind("next", nextAttempt)
            .bind("id", change.taskId())
            .bind("from", change.from().wireName())
            .bind("expected", change.expectedAttempt());
    switch (change.effect()) {
      case AttemptEffect.Begin begin -> update.bind("branch", begin.branch());
      case AttemptEffect.Provisioned provisioned ->
          update.bind("workspace", provisioned.workspace());
      case AttemptEffect.End end -> {}
      case AttemptEffect.None none -> {}
    }
    if (update.execute() == 0) {
      return Optional.empty();
    }
    switch (change.effect()) {
      case AttemptEffect.Begin begin ->
          handle
              .createUpdate(
                  "INSERT INTO attempts (task_id, number, agent, branch, started_micros, outcome)"
                      + " VALUES (:id, :number, :agent, :branch, :at, 'running')")
              .bind("id", change.taskId())
              .bind("number", nextAttempt)
              .bind("agent", begin.agent())
              .bind("branch", begin.branch())
              .bind("at", micros(change.at()))
              .execute();
      case AttemptEffect.Provisioned provisioned ->
          handle
              .createUpdate(
                  "UPDATE attempts SET workspace = :workspace WHERE task_id = :id AND number ="
                      + " :number")
              .bind("workspace", provisioned.workspace())
              .bind("id", change.taskId())
              .bind("number", nextAttempt)
              .execute();
      case AttemptEffect.End end ->
          handle
              .createUpdate(
                  "UPDATE attempts SET ended_micros = :at, exit_code = :exit, outcome = :outcome,"
                      + " reason = :reason, files = :files, insertions = :insertions, deletions ="
                      + " :deletions, commit_sha = :commit WHERE task_id = :id AND number = :number"
                      + " AND outcome = 'running'")
              .bind("at", micros(change.at()))
              .bind("exit", end.exitCode().orElse(null))
              .bind("outcome", end.outcome().wireName())
              .bind("reason", end.reason().orElse(null))
              .bind("files", end.diffstat().map(Diffstat::files).orElse(null))
              .bind("insertions", end.diffstat().map(Diffstat::insertions).orElse(null))
              .bind("deletions", end.diffstat().map(Diffstat::deletions).orElse(null))
              .bind("commit", end.commit().orElse(null))
              .bind("id", change.taskId())
              .bind("number", nextAttempt)
              .execute();
      case AttemptEffect.None none -> {}
    }
    audit(
        handle,
        change.taskId(),
        change.at(),
        change.from(),
        change.to(),
        change.trigger(),
        change.message());
    return findTask(handle, change.taskId());
  }

  @Override
  public HealthEvent recordHealth(HealthEvent event) {
    long id =
        jdbi.withHandle(
            handle ->
                handle
                    .createQuery(
                        "INSERT INTO worker_health_events (kind, worker, repo, task_id, message,"
                            + " at_micros) VALUES (:kind, :worker, :repo, :task, :message, :at)"
                            + " RETURNING id")
                    .bind("kind", event.kind().wireName())
                    .bind("worker", event.worker())
                    .bind("repo", event.repo())
                    .bind("task", event.taskId().orElse(null))
                    .bind("message", event.message())
                    .bind("at", micros(event.at()))
                    .mapTo(Long.class)
                    .one());
    return new HealthEvent(
        id,
        event.kind(),
        event.worker(),
        event.repo(),
        event.taskId(),
        event.message(),
        instant(micros(event.at())));
  }

  @Override
  public List<HealthEvent> recentHealth(int limit) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT * FROM worker_health_events ORDER BY id DESC LIMIT :limit")
                .bind("limit", Math.max(1, limit))
                .map(JdbcTaskStore::healthEvent)
                .list());
  }

  @Override
  public Optional<HealthEvent> latestHealth(String repo) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT * FROM worker_health_events WHERE repo = :repo ORDER BY id DESC LIMIT 1")
                .bind("repo", repo)
                .map(JdbcTaskStore::healthEvent)
                .findOne());
  }

  private static HealthEvent healthEvent(
      java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new HealthEvent(
        rs.getLong("id"),
        HealthKind.fromWireName(rs.getString("kind")).orElseThrow(),
        rs.getString("worker"),
        rs.getString("repo"),
        optionalLong(rs, "task_id"),
        rs.getString("message"),
        instant(rs.getLong("at_micros")));
  }

  @Override
  public OptionalInt globalLimit() {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT value FROM task_limits WHERE name = :name")
                .bind("name", GLOBAL_LIMIT)
                .mapTo(Integer.class)
                .findOne()
                .map(OptionalInt::of)
                .orElse(OptionalInt.empty()));
  }

  @Override
  public void setGlobalLimit(int limit) {
    jdbi.useHandle(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO task_limits (name, value) VALUES (:name, :value) ON CONFLICT"
                        + " (name) DO UPDATE SET value = excluded.value")
                .bind("name", GLOBAL_LIMIT)
                .bind("value", limit)
                .execute());
  }

  private static Optional<Task> findTask(Handle handle, long id) {
    return handle
        .createQuery("SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> task(rs))
        .findOne();
  }

  private static void audit(
      Handle handle,
      long taskId,
      Instant at,
      TaskState from,
      TaskState to,
      String trigger,
      String message) {
    handle
        .createUpdate(
            "INSERT INTO task_events (task_id, at_micros, from_state, to_state, trigger_name,"
                + " message) VALUES (:task, :at, :from, :to, :trigger, :message)")
        .bind("task", taskId)
        .bind("at", micros(at))
        .bind("from", from == null ? null : from.wireName())
        .bind("to", to.wireName())
        .bind("trigger", trigger)
        .bind("message", message)
        .execute();
  }

  private static java.util.Map<String, Object> repoSettings(Repo repo) {
    java.util.Map<String, Object> values = new java.util.HashMap<>();
    values.put("path", repo.path());
    values.put("base", repo.baseBranch());
    values.put("max", repo.maxConcurrent());
    values.put("agent", repo.agent());
    values.put("command", repo.command().orElse(null));
    values.put("setup", repo.setup().orElse(null));
    values.put("provision", repo.provisionTimeout().map(Duration::toMillis).orElse(null));
    values.put("run", repo.runTimeout().map(Duration::toMillis).orElse(null));
    values.put("idle", repo.idleTimeout().map(Duration::toMillis).orElse(null));
    values.put("updated", micros(repo.updatedAt()));
    return values;
  }

  private static Repo repo(ResultSet rs) throws SQLException {
    return new Repo(
        rs.getString("name"),
        rs.getString("source"),
        rs.getString("path"),
        rs.getString("base_branch"),
        rs.getInt("max_concurrent"),
        rs.getString("agent"),
        Optional.ofNullable(rs.getString("command")),
        Optional.ofNullable(rs.getString("setup")),
        optionalLong(rs, "provision_timeout_ms").map(Duration::ofMillis),
        optionalLong(rs, "run_timeout_ms").map(Duration::ofMillis),
        optionalLong(rs, "idle_timeout_ms").map(Duration::ofMillis),
        instant(rs.getLong("created_micros")),
        instant(rs.getLong("updated_micros")));
  }

  private static Task task(ResultSet rs) throws SQLException {
    return new Task(
        rs.getLong("id"),
        rs.getString("repo"),
        rs.getString("title"),
        rs.getString("prompt"),
        rs.getString("agent"),
        Optional.ofNullable(rs.getString("command")),
        rs.getInt("priority"),
        state(rs.getString("state")),
        rs.getInt("attempt"),
        rs.getInt("generation"),
        Optional.ofNullable(rs.getString("branch")),
        Optional.ofNullable(rs.getString("workspace")),
        rs.getInt("retries"),
        rs.getInt("auto_retries"),
        instant(rs.getLong("created_micros")),
        instant(rs.getLong("updated_micros")));
  }

  private static Attempt attempt(ResultSet rs) throws SQLException {
    Optional<Long> files = optionalLong(rs, "files");
    int insertions = rs.getInt("insertions");
    int deletions = rs.getInt("deletions");
    Optional<Diffstat> diffstat =
        files.map(count -> new Diffstat(count.intValue(), insertions, deletions));
    return new Attempt(
        rs.getLong("task_id"),
        rs.getInt("number"),
        rs.getString("agent"),
        Optional.ofNullable(rs.getString("workspace")),
        rs.getString("branch"),
        instant(rs.getLong("started_micros")),
        optionalLong(rs, "ended_micros").map(JdbcTaskStore::instant),
        optionalLong(rs, "exit_code").map(Long::intValue),
        AttemptOutcome.fromWireName(rs.getString("outcome")).orElseThrow(),
        Optional.ofNullable(rs.getString("reason")),
        diffstat,
        Optional.ofNullable(rs.getString("commit_sha")));
  }

  private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(value);
  }

  private static TaskState state(String wireName) {
    return TaskState.fromWireName(wireName)
        .orElseThrow(
            () -> new IllegalStateException("unknown task state in the store: " + wireName));
  }

  private static List<String> wireNames(Set<TaskState> states) {
    return states.stream().map(TaskState::wireName).sorted().collect(Collectors.toList());
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
