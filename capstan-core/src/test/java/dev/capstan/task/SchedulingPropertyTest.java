package dev.capstan.task;

import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.testing.Generator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Random histories of submits, cancels, completions, failures, retries, daemon restarts and limit
 * changes, each followed by a dispatch through {@link Dispatcher} and recovery through {@link
 * Recovery}: every move obeys the state machine, a start never exceeds either limit, and once the
 * work drains every task is terminal or queued with a reason.
 */
class SchedulingPropertyTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final List<String> REPOS = List.of("a", "b", "c", "d");

  private enum Op {
    SUBMIT,
    SUBMIT_ANOTHER,
    CANCEL,
    PROGRESS,
    COMPLETE,
    FAIL,
    RETRY,
    RESTART_DAEMON,
    SET_GLOBAL,
    SET_REPO
  }

  private record History(long seed, int steps) {}

  @Test
  void caps_are_never_exceeded_and_every_task_ends_terminal_or_queued() {
    Generator<History> histories =
        random -> new History(random.nextLong(), 20 + random.nextInt(200));

    forAll(300, histories, history -> new Model(history.seed()).run(history.steps()));
  }

  /** The scheduler's world, applied move by move. Confined to the test thread. */
  private static final class Model {
    private final RandomGenerator random;
    private final Map<Long, Task> tasks = new LinkedHashMap<>();
    private final Map<String, Integer> repoLimits = new HashMap<>();
    private final Map<Long, String> pending = new HashMap<>();
    private int globalLimit;
    private long nextId = 1;
    private int clock;

    Model(long seed) {
      this.random = new java.util.SplittableRandom(seed);
      this.globalLimit = 1 + random.nextInt(6);
      for (String repo : REPOS) {
        repoLimits.put(repo, 1 + random.nextInt(3));
      }
    }

    void run(int steps) {
      Op[] ops = Op.values();
      for (int step = 0; step < steps; step++) {
        apply(ops[random.nextInt(ops.length)]);
        dispatch();
      }
      // Drain: everything active finishes, and what is queued behind it gets its turn.
      for (int round = 0; round < 10_000 && anyActive(); round++) {
        for (Task task : List.copyOf(tasks.values())) {
          if (task.state() == TaskState.PROVISIONING) {
            move(task, TaskState.RUNNING);
          } else if (task.state() == TaskState.RUNNING) {
            move(task, TaskState.COMPLETED);
          }
        }
        dispatch();
      }
      assertThat(anyActive()).as("work drained").isFalse();
      for (Task task : tasks.values()) {
        assertThat(task.state().isTerminal() || task.state() == TaskState.QUEUED)
            .as("task %d ends terminal or queued, was %s", task.id(), task.state())
            .isTrue();
        if (task.state() == TaskState.QUEUED) {
          assertThat(pending)
              .as("queued task %d shows why it waits", task.id())
              .containsKey(task.id());
        }
      }
    }

    private void apply(Op op) {
      switch (op) {
        case SUBMIT, SUBMIT_ANOTHER -> {
          long id = nextId++;
          tasks.put(id, task(id, REPOS.get(random.nextInt(REPOS.size())), TaskState.QUEUED, 0));
        }
        case CANCEL ->
            pick()
                .filter(t -> t.state().canMoveTo(TaskState.CANCELLED))
                .ifPresent(t -> move(t, TaskState.CANCELLED));
        case PROGRESS ->
            pick()
                .filter(t -> t.state() == TaskState.PROVISIONING)
                .ifPresent(t -> move(t, TaskState.RUNNING));
        case COMPLETE ->
            pick()
                .filter(t -> t.state() == TaskState.RUNNING)
                .ifPresent(t -> move(t, TaskState.COMPLETED));
        case FAIL ->
            pick().filter(t -> t.state().isActive()).ifPresent(t -> move(t, TaskState.FAILED));
        case RETRY ->
            pick()
                .filter(t -> t.state() == TaskState.FAILED || t.state() == TaskState.CANCELLED)
                .ifPresent(t -> move(t, TaskState.QUEUED));
        case RESTART_DAEMON -> {
          List<Task> active = tasks.values().stream().filter(t -> t.state().isActive()).toList();
          for (RecoveryDecision decision : Recovery.plan(active, 2, "the daemon stopped")) {
            Task found = decision.task();
            switch (decision) {
              case RecoveryDecision.Requeue requeue -> {
                move(found, TaskState.QUEUED);
                Task moved = tasks.get(found.id());
                tasks.put(found.id(), withAutoRetries(moved, found.autoRetries() + 1));
              }
              case RecoveryDecision.Fail fail -> {
                assertThat(found.autoRetries()).isGreaterThanOrEqualTo(2);
                move(found, TaskState.FAILED);
              }
            }
          }
        }
        case SET_GLOBAL -> globalLimit = 1 + random.nextInt(6);
        case SET_REPO ->
            repoLimits.put(REPOS.get(random.nextInt(REPOS.size())), 1 + random.nextInt(3));
      }
    }

    private void dispatch() {
      List<DispatchSnapshot.Queued> queued = new ArrayList<>();
      Map<String, Integer> active = new HashMap<>();
      for (Task task : tasks.values()) {
        if (task.state() == TaskState.QUEUED) {
          queued.add(
              new DispatchSnapshot.Queued(
                  task.id(), task.repo(), task.priority(), task.createdAt()));
        } else if (task.state().isActive()) {
          active.merge(task.repo(), 1, Integer::sum);
        }
      }
      DispatchPlan plan =
          Dispatcher.plan(new DispatchSnapshot(queued, active, globalLimit, repoLimits, 2));
      assertThat(plan.decisions()).hasSize(queued.size());
      pending.clear();
      for (DispatchDecision decision : plan.decisions()) {
        switch (decision) {
          case DispatchDecision.Start start ->
              move(tasks.get(start.taskId()), TaskState.PROVISIONING);
          case DispatchDecision.Wait wait -> pending.put(wait.taskId(), wait.reason().text());
        }
      }
      if (!plan.starts().isEmpty()) {
        long total = tasks.values().stream().filter(t -> t.state().isActive()).count();
        assertThat(total).as("global active after starting").isLessThanOrEqualTo(globalLimit);
        for (DispatchDecision.Start start : plan.starts()) {
          long inRepo =
              tasks.values().stream()
                  .filter(t -> t.state().isActive() && t.repo().equals(start.repo()))
                  .count();
          assertThat(inRepo)
              .as("active in %s", start.repo())
              .isLessThanOrEqualTo(repoLimits.get(start.repo()));
        }
      }
    }

    private boolean anyActive() {
      return tasks.values().stream().anyMatch(t -> t.state().isActive());
    }

    private java.util.Optional<Task> pick() {
      if (tasks.isEmpty()) {
        return java.util.Optional.empty();
      }
      List<Task> all = List.copyOf(tasks.values());
      return java.util.Optional.of(all.get(random.nextInt(all.size())));
    }

    private void move(Task task, TaskState to) {
      assertThat(task.state().canMoveTo(to)).as("%s -> %s allowed", task.state(), to).isTrue();
      tasks.put(task.id(), withState(task, to));
    }

    private Task task(long id, String repo, TaskState state, int autoRetries) {
      return new Task(
          id,
          repo,
          "",
          "p",
          "command",
          java.util.Optional.empty(),
          random.nextInt(3),
          state,
          0,
          1,
          java.util.Optional.empty(),
          java.util.Optional.empty(),
          0,
          autoRetries,
          T0.plusSeconds(clock++),
          T0);
    }

    private static Task withState(Task t, TaskState state) {
      return new Task(
          t.id(),
          t.repo(),
          t.title(),
          t.prompt(),
          t.agent(),
          t.command(),
          t.priority(),
          state,
          t.attempt(),
          t.generation(),
          t.branch(),
          t.workspace(),
          t.retries(),
          t.autoRetries(),
          t.createdAt(),
          t.updatedAt());
    }

    private static Task withAutoRetries(Task t, int autoRetries) {
      return new Task(
          t.id(),
          t.repo(),
          t.title(),
          t.prompt(),
          t.agent(),
          t.command(),
          t.priority(),
          t.state(),
          t.attempt(),
          t.generation(),
          t.branch(),
          t.workspace(),
          t.retries(),
          autoRetries,
          t.createdAt(),
          t.updatedAt());
    }
  }
}
