package dev.capstan.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentRegistry;
import dev.capstan.config.CapstanSettings;
import dev.capstan.event.EventLog;
import dev.capstan.event.EventLogMetrics;
import dev.capstan.event.EventLogSettings;
import dev.capstan.event.InProcessEventBus;
import dev.capstan.store.jdbc.Database;
import dev.capstan.store.jdbc.JdbcEventStore;
import dev.capstan.store.jdbc.JdbcTaskStore;
import dev.capstan.task.InvalidTransition;
import dev.capstan.task.NewTask;
import dev.capstan.task.Repo;
import dev.capstan.task.Task;
import dev.capstan.task.TaskQuery;
import dev.capstan.task.TaskState;
import dev.capstan.task.TaskStore;
import dev.capstan.time.Clocks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dispatch under a storm of concurrent submits, cancels, restarts and limit changes, on real SQLite
 * with a fake runtime: neither limit is ever exceeded, and every task ends terminal.
 */
class DispatchConcurrencyTest {
  private static final List<String> REPOS = List.of("a", "b", "c");

  @TempDir Path dir;

  @Test
  void concurrent_submits_cancels_and_restarts_never_exceed_either_limit() throws Exception {
    try (Database database = Database.sqlite(dir.resolve("capstan.db"))) {
      EventLog events =
          new EventLog(
              new JdbcEventStore(database),
              new InProcessEventBus(),
              EventLogMetrics.NONE,
              Clocks.system(),
              EventLogSettings.DEFAULTS,
              Thread.ofVirtual().factory());
      Thread writer = Thread.ofPlatform().daemon().start(events.writeLoop());
      TaskStore store = new JdbcTaskStore(database);
      for (String name : REPOS) {
        store.insertRepo(
            new Repo(
                name,
                "/x",
                "/x",
                "main",
                2,
                "command",
                Optional.of("true"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Instant.EPOCH,
                Instant.EPOCH));
      }
      CapstanSettings.TaskSettings settings = CapstanSettings.TaskSettings.DEFAULTS;
      TaskEngine engine =
          new TaskEngine(
              new TaskEngineDeps(
                  store,
                  events,
                  new FakeRuntime(Duration.ofMillis(30)),
                  AgentRegistry.builtIn(),
                  settings,
                  Clocks.system()));
      engine.setGlobalLimit(4);
      engine.start();

      AtomicBoolean storming = new AtomicBoolean(true);
      ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
      Thread watcher =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (storming.get()) {
                      check(store, violations);
                    }
                  });
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        int client = c;
        clients.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        go.await();
                      } catch (InterruptedException e) {
                        return;
                      }
                      for (int i = 0; i < 25; i++) {
                        Task task =
                            engine.submit(
                                new NewTask(
                                    REPOS.get((client + i) % REPOS.size()),
                                    "",
                                    "p",
                                    "",
                                    Optional.empty(),
                                    i % 3));
                        if (i % 4 == 0) {
                          try {
                            engine.cancel(task.id());
                          } catch (InvalidTransition alreadyCompleted) {
                            // the fake agent is quick: the task may have completed already
                          }
                        }
                        if (i % 7 == 0) {
                          try {
                            engine.restart(task.id());
                          } catch (RuntimeException expected) {
                            // queued or completed: restart refused, as documented
                          }
                        }
                        if (i % 10 == 0) {
                          engine.setGlobalLimit(2 + (i % 4));
                        }
                      }
                    }));
      }
      go.countDown();
      for (Thread client : clients) {
        client.join();
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  store
                      .tasksIn(
                          EnumSet.of(TaskState.QUEUED, TaskState.PROVISIONING, TaskState.RUNNING))
                      .isEmpty());
      storming.set(false);
      watcher.join();

      assertThat(violations).isEmpty();
      List<Task> all = store.listTasks(new TaskQuery(java.util.Set.of(), Optional.empty(), 1000));
      assertThat(all).hasSize(150);
      assertThat(all).allMatch(task -> task.state().isTerminal());
      engine.stop();
      events.shutdown();
      writer.join(Duration.ofSeconds(5));
    }
  }

  private static void check(TaskStore store, ConcurrentLinkedQueue<String> violations) {
    List<Task> active = store.tasksIn(EnumSet.of(TaskState.PROVISIONING, TaskState.RUNNING));
    // why: the limit may be lowered while more run; compare with the highest limit ever set (5).
    if (active.size() > 5) {
      violations.add("global " + active.size());
    }
    Map<String, Integer> perRepo = new HashMap<>();
    active.forEach(task -> perRepo.merge(task.repo(), 1, Integer::sum));
    perRepo.forEach(
        (repo, count) -> {
          if (count > 2) {
            violations.add("repo " + repo + " " + count);
          }
        });
  }
}
