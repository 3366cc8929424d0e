package dev.capstan.task;

import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write path of task states. {@link #apply} checks the move against {@link
 * TaskState#canMoveTo}, applies it with compare-and-set through {@link TaskStore#transition} (the
 * audit row and the attempt effect in the same transaction) and, only after that committed,
 * publishes {@code task.state} on {@code task/<id>} and {@code tasks} (plus {@code attempt.started}
 * / {@code attempt.finished} on {@code task/<id>}).
 *
 * <p>Thread-safe: concurrent callers race through the compare-and-set; exactly one wins.
 */
public final class TaskTransitions {
  private static final Logger log = LoggerFactory.getLogger(TaskTransitions.class);

  private final TaskStore store;
  private final EventLog events;
  private final Clock clock;
  private final OpenTasks open;

  public TaskTransitions(TaskStore store, EventLog events, Clock clock) {
    this(store, events, clock, new OpenTasks(store::openTasks));
  }

  /** Transitions that keep {@code open} (the dispatcher's view) current. */
  public TaskTransitions(TaskStore store, EventLog events, Clock clock, OpenTasks open) {
    this.store = Objects.requireNonNull(store, "store");
    this.events = Objects.requireNonNull(events, "events");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.open = Objects.requireNonNull(open, "open");
  }

  /** The unfinished tasks as these transitions left them. */
  public OpenTasks open() {
    return open;
  }

  /** Moves {@code task} (as the caller saw it) to {@code to}. */
  public Transition apply(Task task, TaskState to, String trigger, String message) {
    return apply(task, to, trigger, message, new AttemptEffect.None(), Set.of());
  }

  /**
   * Moves {@code task} (as the caller saw it) to {@code to}, with an attempt effect and counters.
   *
   * @throws IllegalStateException when the state machine does not allow the move (a bug of the
   *     caller: user actions are checked before they get here)
   */
  public Transition apply(
      Task task,
      TaskState to,
      String trigger,
      String message,
      AttemptEffect effect,
      Set<StateChange.Counter> counters) {
    if (!task.state().canMoveTo(to)) {
      throw new IllegalStateException(
          "task " + task.id() + " cannot move from " + task.state() + " to " + to);
    }
    StateChange change =
        new StateChange(
            task.id(),
            task.state(),
            to,
            task.attempt(),
            trigger,
            message,
            clock.instant(),
            effect,
            counters);
    Optional<Task> committed = open.write(task.id(), () -> store.transition(change));
    if (committed.isEmpty()) {
      // Race: see TaskStoreContract#a_stale_transition_is_lost_and_writes_nothing
      log.debug(
          "transition lost task={} from={} to={} trigger={}", task.id(), task.state(), to, trigger);
      return new Transition.Lost(task.id());
    }
    Task after = committed.get();
    log.info(
        "task={} repo={} {} -> {} trigger={} attempt={} message=\"{}\"",
        after.id(),
        after.repo(),
        task.state(),
        to,
        trigger,
        after.attempt(),
        message);
    publish(task, after, change);
    return new Transition.Applied(task, after);
  }

  /** Publishes the creation of a task (already committed by {@link TaskStore#insertTask}). */
  public void published(Task created, String message) {
    open.created(created);
    EventData.TaskStateChanged data =
        new EventData.TaskStateChanged(
            created.id(),
            created.repo(),
            null,
            created.state().wireName(),
            "submit",
            message,
            created.attempt(),
            null);
    events.append(StreamName.task(created.id()), data);
    events.append(StreamName.TASKS, data);
  }

  private void publish(Task before, Task after, StateChange change) {
    StreamName stream = StreamName.task(after.id());
    switch (change.effect()) {
      case AttemptEffect.Begin begin ->
          events.append(
              stream,
              new EventData.AttemptStarted(
                  after.id(), after.attempt(), begin.agent(), begin.branch()));
      case AttemptEffect.End end ->
          events.append(
              stream,
              new EventData.AttemptFinished(
                  after.id(),
                  after.attempt(),
                  end.outcome().wireName(),
                  end.exitCode().orElse(null),
                  end.reason().orElse(null),
                  end.diffstat()
                      .map(d -> new EventData.Diffstat(d.files(), d.insertions(), d.deletions()))
                      .orElse(null)));
      case AttemptEffect.Provisioned provisioned -> {}
      case AttemptEffect.None none -> {}
    }
    EventData.TaskStateChanged data =
        new EventData.TaskStateChanged(
            after.id(),
            after.repo(),
            before.state().wireName(),
            after.state().wireName(),
            change.trigger(),
            change.message(),
            after.attempt(),
            null);
    events.append(stream, data);
    events.append(StreamName.TASKS, data);
  }
}
