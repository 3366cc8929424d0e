package dev.capstan.daemon.task;

import dev.capstan.agent.AgentRegistry;
import dev.capstan.config.CapstanSettings;
import dev.capstan.event.EventLog;
import dev.capstan.runtime.TaskRuntime;
import dev.capstan.task.TaskStore;
import dev.capstan.task.TaskWaits;
import java.time.Clock;
import java.util.Objects;

/**
 * What the task engine needs.
 *
 * <p>Immutable and thread-safe (as far as its parts are).
 *
 * @param store the task store
 * @param events the event log
 * @param runtime where attempts run
 * @param agents the known agents
 * @param settings task settings
 * @param clock the wall clock
 * @param waits why running tasks wait (an agent waiting for an approval)
 */
public record TaskEngineDeps(
    TaskStore store,
    EventLog events,
    TaskRuntime runtime,
    AgentRegistry agents,
    CapstanSettings.TaskSettings settings,
    Clock clock,
    TaskWaits waits) {
  public TaskEngineDeps {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(agents, "agents");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(waits, "waits");
  }

  /** Deps whose running tasks never wait for anything but their agent's own work. */
  public TaskEngineDeps(
      TaskStore store,
      EventLog events,
      TaskRuntime runtime,
      AgentRegistry agents,
      CapstanSettings.TaskSettings settings,
      Clock clock) {
    this(store, events, runtime, agents, settings, clock, new TaskWaits(events));
  }
}
