package dev.capstan.daemon.task;

import dev.capstan.agent.Agent;
import dev.capstan.agent.AgentTask;
import dev.capstan.event.EventData;
import dev.capstan.event.StreamName;
import dev.capstan.idempotency.IdempotencyKey;
import dev.capstan.idempotency.Idempotent;
import dev.capstan.runtime.Workspaces;
import dev.capstan.task.AttemptEffect;
import dev.capstan.task.AttemptOutcome;
import dev.capstan.task.BadTaskRequest;
import dev.capstan.task.DispatchDecision;
import dev.capstan.task.DispatchPlan;
import dev.capstan.task.DispatchSnapshot;
import dev.capstan.task.Dispatcher;
import dev.capstan.task.InvalidTransition;
import dev.capstan.task.NewTask;
import dev.capstan.task.OpenTask;
import dev.capstan.task.PromptTooLarge;
import dev.capstan.task.Repo;
import dev.capstan.task.RepoNotFound;
import dev.capstan.task.RetryLimit;
import dev.capstan.task.StateChange;
import dev.capstan.task.Task;
import dev.capstan.task.TaskNotFound;
import dev.capstan.task.TaskState;
import dev.capstan.task.TaskTransitions;
import dev.capstan.task.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task engine: takes submissions and actions (cancel, retry, restart, redo), and dispatches
 * queued tasks under the global and per-repo limits.
 *
 * <p>Dispatch is event-driven: a submit, a finished attempt, a cancel or a limit change wakes the
 * one dispatcher thread, which decides with the pure {@link Dispatcher} over the in-memory view of
 * the unfinished tasks ({@link dev.capstan.task.OpenTasks}) and starts each chosen task with a
 * compare-and-set, on a thread of its own so the next pass does not wait for that commit. Only the
 * dispatcher chooses which tasks move into provisioning, and a chosen task counts as active until
 * its start is noted or lost, so the limits hold whatever else happens concurrently. Each attempt
 * runs on a virtual thread of its own.
 *
 * <p>Thread-safe.
 */
public final class TaskEngine {
  private static final Logger log = LoggerFactory.getLogger(TaskEngine.class);

  /** The largest prompt accepted, in UTF-8 bytes. */
  public static final long MAX_PROMPT_BYTES = 1L << 20;

  private static final Set<TaskState> UNFINISHED =
      EnumSet.of(TaskState.QUEUED, TaskState.PROVISIONING, TaskState.RUNNING);
  private static final Duration REQUEUE_LOG_INTERVAL = Duration.ofSeconds(30);
  // why: a run is gone within 5 s of its kill; the rest is the attempt thread noticing.
  private static final Duration ATTEMPT_STOP_DEADLINE = Duration.ofSeconds(8);
  // why: a start is one read and one commit; it is done within this unless the disk hangs.
  private static final Duration START_DEADLINE = Duration.ofSeconds(10);
  private static final int STARTERS = 4;

  private final TaskEngineDeps deps;
  private final TaskTransitions transitions;
  private final Supervision supervision = new Supervision();
  private final AttemptRunner runner;
  private final AtomicInteger globalLimit;
  private final Map<Long, String> pending = new ConcurrentHashMap<>();
  private final ReentrantLock dispatchLock = new ReentrantLock();
  // why: tasks a pass chose whose start (compare-and-set, attempt launch) is still in flight.
  private final Set<Long> starting = ConcurrentHashMap.newKeySet();
  // why: platform threads: a start must not wait behind the virtual threads of running attempts
  // for a carrier, twice (to begin, and to wake after its commit), when the CPU is saturated.
  private final java.util.concurrent.ExecutorService starters =
      java.util.concurrent.Executors.newFixedThreadPool(
          STARTERS, Thread.ofPlatform().daemon().name("task-starter-", 1).factory());
  private final ReentrantLock wakeLock = new ReentrantLock();
  private final Condition woken = wakeLock.newCondition();
  private boolean wakeRequested;
  private volatile boolean running;
  private volatile Thread dispatcher;
  private final Map<String, Long> lastRequeueLog = new HashMap<>();

  public TaskEngine(TaskEngineDeps deps) {
    this.deps = deps;
    this.transitions = new TaskTransitions(deps.store(), deps.events(), deps.clock());
    this.globalLimit =
        new AtomicInteger(deps.store().globalLimit().orElse(deps.settings().maxConcurrent()));
    this.runner = new AttemptRunner(deps, transitions, this::requestDispatch);
  }

  /** The one write path, for the recovery and health duties. */
  TaskTransitions transitions() {
    return transitions;
  }

  Supervision supervision() {
    return supervision;
  }

  TaskEngineDeps deps() {
    return deps;
  }

  /**
   * Starts dispatching on a thread of its own. Call after recovery ({@link TaskHealth#recover}), so
   * nothing left by a dead daemon is running twice.
   */
  public void start() {
    running = true;
    dispatcher = Thread.ofPlatform().daemon().name("task-dispatcher").start(this::dispatchLoop);
    requestDispatch();
  }

  /**
   * Stops dispatching, then stops every supervised attempt: its process tree is killed, the attempt
   * recorded {@code interrupted} and the task re-queued, to run again after the next start.
   */
  public void stop() {
    running = false;
    Thread thread = dispatcher;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    awaitStarts(START_DEADLINE);
    // why: attempts are stopped in parallel, so twenty running agents take one kill grace, not
    // twenty, out of the daemon's shutdown deadline.
    List<Thread> stoppers = new ArrayList<>();
    for (Supervision.Supervised supervised : supervision.all()) {
      stoppers.add(
          Thread.ofVirtual()
              .name("stop-task-" + supervised.taskId)
              .start(() -> requeueForShutdown(supervised)));
    }
    for (Thread stopper : stoppers) {
      try {
        stopper.join(ATTEMPT_STOP_DEADLINE.plusSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void requeueForShutdown(Supervision.Supervised supervised) {
    Optional<Task> task = deps.store().findTask(supervised.taskId);
    if (task.isEmpty() || !task.get().state().isActive()) {
      return;
    }
    stopOrMove(
        task.get(),
        TaskState.QUEUED,
        "shutdown",
        "the daemon stopped; attempt "
            + supervised.attempt
            + " interrupted, the task runs again after the next start",
        AttemptOutcome.INTERRUPTED,
        Set.of());
  }

  /**
   * Stops dispatching and silences every supervised attempt without touching its processes or the
   * store: what a daemon that dies leaves behind. For crash tests only.
   */
  void abandon() {
    running = false;
    Thread thread = dispatcher;
    if (thread != null) {
      thread.interrupt();
    }
    for (Supervision.Supervised supervised : supervision.all()) {
      supervised.lock.lock();
      try {
        supervised.markStopped();
      } finally {
        supervised.lock.unlock();
      }
    }
  }

  /** Wakes the dispatcher; returns at once. */
  public void requestDispatch() {
    wakeLock.lock();
    try {
      wakeRequested = true;
      woken.signalAll();
    } finally {
      wakeLock.unlock();
    }
  }

  private void dispatchLoop() {
    while (running && !Thread.currentThread().isInterrupted()) {
      wakeLock.lock();
      try {
        while (!wakeRequested) {
          woken.await();
        }
        wakeRequested = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        wakeLock.unlock();
      }
      try {
        dispatchOnce();
      } catch (Throwable e) {
        log.error("dispatch pass failed; the next submit, finish or cancel retries it", e);
      }
    }
  }

  /**
   * One dispatch pass: decides over a fresh snapshot and hands each chosen task to a starter
   * thread, so the next pass need not wait for their commits. The dispatcher thread calls it when
   * woken.
   */
  public void dispatchOnce() {
    dispatchLock.lock();
    try {
      // why: read before the view. A task leaves this set only after its start was noted in the
      // view (as active) or lost, so every task being started counts as active in this pass.
      Set<Long> startingNow = Set.copyOf(starting);
      // why: a pass plans over the in-memory view of the unfinished tasks that the one write path
      // keeps current; the full row is read only for a task being started.
      List<OpenTask> open = transitions.open().snapshot();
      Map<String, Integer> repoLimits = new HashMap<>();
      for (Repo repo : deps.store().listRepos()) {
        repoLimits.put(repo.name(), repo.maxConcurrent());
      }
      List<DispatchSnapshot.Queued> queued = new ArrayList<>();
      Map<String, Integer> active = new HashMap<>();
      Map<Long, OpenTask> byId = new HashMap<>();
      for (OpenTask task : open) {
        byId.put(task.id(), task);
        if (task.state() == TaskState.QUEUED && !startingNow.contains(task.id())) {
          queued.add(
              new DispatchSnapshot.Queued(
                  task.id(), task.repo(), task.priority(), task.createdAt()));
        } else {
          active.merge(task.repo(), 1, Integer::sum);
        }
      }
      DispatchPlan plan =
          Dispatcher.plan(
              new DispatchSnapshot(
                  queued,
                  active,
                  globalLimit.get(),
                  repoLimits,
                  deps.settings().repoMaxConcurrent()));
      pending.keySet().retainAll(byId.keySet());
      for (DispatchDecision decision : plan.decisions()) {
        switch (decision) {
          case DispatchDecision.Start start -> startInBackground(byId.get(start.taskId()));
          case DispatchDecision.Wait wait ->
              markPending(byId.get(wait.taskId()), wait.reason().text());
        }
      }
    } finally {
      dispatchLock.unlock();
    }
  }

  private void startInBackground(OpenTask chosen) {
    starting.add(chosen.id());
    starters.execute(
        () -> {
          boolean started = false;
          try {
            started = startAttempt(chosen);
          } catch (Throwable e) {
            log.error("task={} could not be started; the next pass retries it", chosen.id(), e);
            transitions.open().invalidate();
          } finally {
            starting.remove(chosen.id());
            if (!started) {
              // why: the slot it was given is free again.
              requestDispatch();
            }
          }
        });
  }

  /** Waits (up to {@code deadline}) until no start chosen by a pass is still in flight. */
  private void awaitStarts(Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!starting.isEmpty() && System.nanoTime() - end < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /**
   * Runs {@code action} while no dispatch pass runs and no start is in flight (the health loop's
   * consistent view).
   */
  <T> T whileNotDispatching(java.util.function.Supplier<T> action) {
    dispatchLock.lock();
    try {
      awaitStarts(START_DEADLINE);
      return action.get();
    } finally {
      dispatchLock.unlock();
    }
  }

  /** Starts the chosen task's next attempt; false when it was not started. */
  private boolean startAttempt(OpenTask chosen) {
    Optional<Task> found = deps.store().findTask(chosen.id());
    if (found.isEmpty() || found.get().state() != TaskState.QUEUED) {
      // why: it moved on since the view noted it (cancelled, or created and cancelled before the
      // view heard of it); note what it is now and start nothing.
      transitions.open().refresh(chosen.id(), () -> deps.store().findTask(chosen.id()));
      return false;
    }
    Task task = found.get();
    String agent = task.agent();
    String branch = Workspaces.branchFor(task.id(), task.generation());
    Supervision.Supervised supervised = supervision.register(task.id(), task.attempt() + 1);
    Transition transition =
        transitions.apply(
            task,
            TaskState.PROVISIONING,
            "dispatch",
            "attempt " + (task.attempt() + 1) + " started on " + branch,
            new AttemptEffect.Begin(agent, branch),
            Set.of());
    switch (transition) {
      case Transition.Applied applied -> {
        clearPending(chosen);
        runner.launch(applied.after(), supervised, supervision);
        return true;
      }
      case Transition.Lost lost -> {
        supervision.remove(supervised);
        return false;
      }
    }
  }

  private void markPending(OpenTask task, String reason) {
    String previous = pending.put(task.id(), reason);
    if (!reason.equals(previous)) {
      EventData.TaskPending data = new EventData.TaskPending(task.id(), task.repo(), reason);
      deps.events().append(StreamName.task(task.id()), data);
      deps.events().append(StreamName.TASKS, data);
      logRequeue(reason);
    }
  }

  private void clearPending(OpenTask task) {
    if (pending.remove(task.id()) != null) {
      EventData.TaskPending data = new EventData.TaskPending(task.id(), task.repo(), null);
      deps.events().append(StreamName.task(task.id()), data);
      deps.events().append(StreamName.TASKS, data);
    }
  }

  private void logRequeue(String reason) {
    // why: one line per limit per interval, however many tasks wait behind it.
    String limit = reason.startsWith("global") ? "global" : reason.substring(reason.indexOf('('));
    long now = System.nanoTime();
    synchronized (lastRequeueLog) {
      Long last = lastRequeueLog.get(limit);
      if (last != null && now - last < REQUEUE_LOG_INTERVAL.toNanos()) {
        return;
      }
      lastRequeueLog.put(limit, now);
    }
    log.info(
        "re-queue: tasks wait for the {} (raise it with `capstan limits set` or `capstan repo set`)",
        reason);
  }

  /**
   * Why a task waits, if it does: a queued task for a slot (as the dispatcher decided), a running
   * task for a person's approval.
   */
  public Optional<String> pendingReason(long taskId) {
    String forSlot = pending.get(taskId);
    return forSlot != null ? Optional.of(forSlot) : deps.waits().reason(taskId);
  }

  // ---- submissions and actions ----

  /**
   * Queues a new task.
   *
   * @throws RepoNotFound for an unknown repo
   * @throws PromptTooLarge for a prompt over 1 MiB
   */
  public Task submit(NewTask request) {
    return submit(request, Optional.empty()).value();
  }

  /**
   * Queues a new task like {@link #submit(NewTask)}; with an idempotency key that already created a
   * task, answers with that task and queues nothing.
   */
  public Idempotent<Task> submit(NewTask request, Optional<IdempotencyKey> idempotencyKey) {
    if (request.prompt().isBlank()) {
      throw new BadTaskRequest("The prompt is empty.", "Say what the agent should do.");
    }
    long bytes = request.prompt().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PROMPT_BYTES) {
      throw new PromptTooLarge(bytes, MAX_PROMPT_BYTES);
    }
    Repo repo =
        deps.store().findRepo(request.repo()).orElseThrow(() -> new RepoNotFound(request.repo()));
    String agentName = request.agent().isBlank() ? repo.agent() : request.agent();
    Agent agent = deps.agents().require(agentName);
    Optional<String> command = request.command().or(repo::command);
    agent.validate(new AgentTask(1, 1, request.prompt(), command));
    Idempotent<Task> stored =
        deps.store()
            .insertTask(
                new NewTask(
                    repo.name(),
                    request.title(),
                    request.prompt(),
                    agentName,
                    request.command(),
                    request.priority()),
                deps.clock().instant(),
                idempotencyKey);
    if (stored.replayed()) {
      return stored;
    }
    transitions.published(stored.value(), "submitted");
    requestDispatch();
    return stored;
  }

  /** The task, or {@link TaskNotFound}. */
  public Task find(long id) {
    return deps.store().findTask(id).orElseThrow(() -> new TaskNotFound(Long.toString(id)));
  }

  /**
   * Cancels a task: a queued task simply stops waiting; a provisioning or running one has its
   * process tree killed. Idempotent.
   *
   * @throws InvalidTransition for a completed task (or another state that cannot be cancelled)
   */
  public Task cancel(long id) {
    for (int round = 0; round < 10; round++) {
      Task task = find(id);
      if (task.state() == TaskState.CANCELLED) {
        return task;
      }
      if (!task.state().canMoveTo(TaskState.CANCELLED)) {
        throw new InvalidTransition(id, task.state(), "cancel");
      }
      Optional<Transition> done =
          stopOrMove(
              task,
              TaskState.CANCELLED,
              "cancel",
              "cancelled by request",
              AttemptOutcome.CANCELLED,
              Set.of());
      if (done.isPresent() && done.get() instanceof Transition.Applied applied) {
        pending.remove(id);
        requestDispatch();
        return applied.after();
      }
    }
    return find(id);
  }

  /** Cancels every queued, provisioning and running task; returns the ids it cancelled. */
  public List<Long> cancelAllActive() {
    List<Long> cancelled = new ArrayList<>();
    for (Task task : deps.store().tasksIn(UNFINISHED)) {
      try {
        Task after = cancel(task.id());
        if (after.state() == TaskState.CANCELLED) {
          cancelled.add(after.id());
        }
      } catch (InvalidTransition e) {
        log.debug("task={} finished before it could be cancelled", task.id());
      }
    }
    return cancelled;
  }

  /** Retries a failed or cancelled task: a new attempt, counted against the retry limit. */
  public Task retry(long id) {
    Task task = find(id);
    if (task.state() != TaskState.FAILED
        && task.state() != TaskState.CANCELLED
        && task.state() != TaskState.NEEDS_ATTENTION) {
      throw new InvalidTransition(id, task.state(), "retry");
    }
    return requeue(task, "retry", "retried by request", Set.of(StateChange.Counter.RETRIES));
  }

  /**
   * Force restart: a fresh agent on the task's existing branch and worktree. A provisioning or
   * running attempt is stopped first (recorded {@code interrupted}).
   */
  public Task restart(long id) {
    Task task = find(id);
    requireRestartable(task, "restart");
    return requeue(
        task,
        "restart",
        "restarted by request on the existing branch",
        Set.of(StateChange.Counter.RETRIES));
  }

  /**
   * Force redo: a new branch and worktree from the base branch; old attempts and their output stay.
   * A provisioning or running attempt is stopped first.
   */
  public Task redo(long id) {
    Task task = find(id);
    requireRestartable(task, "redo");
    return requeue(
        task,
        "redo",
        "redone by request on the new branch " + Workspaces.branchFor(id, task.generation() + 1),
        Set.of(StateChange.Counter.RETRIES, StateChange.Counter.GENERATION));
  }

  private static void requireRestartable(Task task, String action) {
    if (task.state() == TaskState.QUEUED
        || task.state() == TaskState.COMPLETED
        || task.state() == TaskState.PR_OPENED) {
      throw new InvalidTransition(task.id(), task.state(), action);
    }
  }

  private Task requeue(
      Task seen, String trigger, String message, Set<StateChange.Counter> counters) {
    Task task = seen;
    for (int round = 0; round < 10; round++) {
      if (task.retries() >= deps.settings().retryLimit()) {
        throw new RetryLimit(task.id(), deps.settings().retryLimit());
      }
      if (!task.state().canMoveTo(TaskState.QUEUED)) {
        throw new InvalidTransition(task.id(), task.state(), trigger);
      }
      Optional<Transition> done =
          stopOrMove(
              task, TaskState.QUEUED, trigger, message, AttemptOutcome.INTERRUPTED, counters);
      if (done.isPresent() && done.get() instanceof Transition.Applied applied) {
        requestDispatch();
        return applied.after();
      }
      task = find(task.id());
    }
    throw new IllegalStateException(
        "task " + seen.id() + " kept changing; " + trigger + " gave up");
  }

  /**
   * Moves a task, stopping its supervised attempt first when it has one: the attempt is marked
   * stopped under its lock (so it can neither commit nor change the task any more), its processes
   * are killed and awaited, and only then does the state change end the attempt with {@code
   * outcome}. So a restarted or redone task never runs twice at once.
   *
   * @return the transition, or empty when the task can no longer make this move
   */
  private Optional<Transition> stopOrMove(
      Task task,
      TaskState to,
      String trigger,
      String message,
      AttemptOutcome outcome,
      Set<StateChange.Counter> counters) {
    supervision.find(task.id()).ifPresent(supervised -> stopAttempt(supervised));
    Task current = find(task.id());
    if (current.state() != task.state() || !current.state().canMoveTo(to)) {
      return Optional.empty();
    }
    return Optional.of(
        transitions.apply(
            current, to, trigger, message, endIfActive(current, outcome, message), counters));
  }

  private static AttemptEffect endIfActive(Task task, AttemptOutcome outcome, String reason) {
    return task.state().isActive()
        ? AttemptEffect.End.of(outcome, reason)
        : new AttemptEffect.None();
  }

  /** Stops a supervised attempt that still runs its task's latest attempt, and waits for it. */
  private void stopAttempt(Supervision.Supervised supervised) {
    boolean marked = false;
    supervised.lock.lock();
    try {
      Optional<Task> current = deps.store().findTask(supervised.taskId);
      if (current.isPresent()
          && current.get().state().isActive()
          && current.get().attempt() == supervised.attempt) {
        supervised.markStopped();
        marked = true;
      }
    } finally {
      supervised.lock.unlock();
    }
    if (!marked) {
      return;
    }
    supervised.kill();
    try {
      if (!supervised.ended.await(ATTEMPT_STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "task={} attempt={} did not end within {} of being stopped; its processes were"
                + " killed, moving on",
            supervised.taskId,
            supervised.attempt,
            ATTEMPT_STOP_DEADLINE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- limits ----

  /** The global limit in force. */
  public int globalLimit() {
    return globalLimit.get();
  }

  /** Tasks provisioning or running now. */
  public int activeCount() {
    return deps.store().tasksIn(EnumSet.of(TaskState.PROVISIONING, TaskState.RUNNING)).size();
  }

  /** Sets (and persists) the global limit; it takes effect at once. */
  public void setGlobalLimit(int limit) {
    if (limit < 1) {
      throw new BadTaskRequest(
          "maxConcurrent must be at least 1, was " + limit + ".",
          "Send a whole number >= 1; cancel tasks to stop them.");
    }
    deps.store().setGlobalLimit(limit);
    globalLimit.set(limit);
    log.info("global task limit set maxConcurrent={}", limit);
    requestDispatch();
  }

  /** Time source of the engine. */
  Instant now() {
    return deps.clock().instant();
  }
}
