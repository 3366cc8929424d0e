package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Repos and tasks for the task scenarios: real git repositories registered through {@code capstan
 * repo add}, tasks queued through {@code capstan task add}, and waits on task states read from the
 * daemon's API (the CLI is a JVM start per call, too slow to poll with).
 *
 * <p>Confined to the test thread.
 */
final class TaskFixture {
  /** States a task rests in until someone acts. */
  static final Set<String> SETTLED = Set.of("completed", "failed", "cancelled", "needs_attention");

  private final CapstanHarness capstan;
  private final Path sources;

  TaskFixture(CapstanHarness capstan, Path sources) {
    this.capstan = capstan;
    this.sources = sources;
  }

  /** A fresh git repository named {@code name} (not registered). */
  Path gitRepo(String name) {
    return GitRepos.create(sources.resolve(name));
  }

  /** A fresh git repository registered as {@code name} with {@code extra} repo add flags. */
  Path repo(String name, String... extra) {
    Path dir = gitRepo(name);
    List<String> args = new ArrayList<>(List.of("repo", "add", dir.toString(), "--name", name));
    args.addAll(Arrays.asList(extra));
    capstan.run(args.toArray(String[]::new)).assertExit(0);
    return dir;
  }

  /** Queues a command-agent task on {@code repo} running {@code command}; returns its id. */
  long commandTask(String repo, String command, String prompt, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("task", "add", "--repo", repo, "--agent", "command", "--command", command));
    args.addAll(Arrays.asList(extra));
    args.add(prompt);
    return capstan.json(args.toArray(String[]::new)).path("id").asLong();
  }

  /** The task's JSON from the API. */
  JsonNode task(long id) {
    return capstan.api("GET", "/api/tasks/" + id, null);
  }

  /** Waits until task {@code id} is in one of {@code states}; returns it. */
  JsonNode awaitState(long id, Duration atMost, String... states) {
    Set<String> wanted = Set.of(states);
    JsonNode[] last = new JsonNode[1];
    await("task " + id + " in " + wanted)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = task(id);
              return wanted.contains(last[0].path("state").asText());
            });
    return last[0];
  }

  /** Waits until task {@code id} settles; returns it. */
  JsonNode awaitSettled(long id, Duration atMost) {
    return awaitState(id, atMost, SETTLED.toArray(String[]::new));
  }

  /** The state of task {@code id}. */
  String state(long id) {
    return task(id).path("state").asText();
  }

  /** The live processes started for task {@code id} (agent, setup and their children). */
  List<Long> processesOf(long id) {
    return ProcFs.markedProcessesOf(capstan.home(), task -> task == id);
  }

  /** Asserts {@code result} failed with {@code exit} and mentions every one of {@code texts}. */
  static void assertError(CliResult result, int exit, String... texts) {
    result.assertExit(exit);
    assertThat(result.stderr()).as("stderr of %s", result).contains(texts);
    assertThat(result.stderr()).as("no stack trace in %s", result).doesNotContain("\tat ");
  }
}
