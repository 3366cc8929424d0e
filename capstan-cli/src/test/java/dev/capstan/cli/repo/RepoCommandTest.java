package dev.capstan.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.ContractServer;
import dev.capstan.json.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RepoCommandTest {
  private static final String ACME =
      """
      {"name":"acme","source":"/src/acme","path":"/src/acme","baseBranch":"main",
       "maxConcurrent":2,"agent":"command","command":"make fmt","setup":null,
       "provisionTimeout":"PT10M","runTimeout":null,"idleTimeout":null,
       "activeTasks":1,"queuedTasks":3,"createdAt":"2026-01-01T00:00:00Z",
       "updatedAt":"2026-01-01T00:00:00Z"}
      """;

  private final ContractServer server = new ContractServer();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void add_sends_an_absolute_path_and_only_the_given_settings() throws Exception {
    server.on("POST", "/api/repos", 201, ACME);

    ContractServer.Run run =
        server.run("repo", "add", "some/dir", "--name", "acme", "--max-concurrent", "3");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode body = Json.mapper().readTree(server.requests().getFirst().body());
    assertThat(body.path("source").asText())
        .isEqualTo(Path.of("some/dir").toAbsolutePath().normalize().toString());
    assertThat(body.path("name").asText()).isEqualTo("acme");
    assertThat(body.path("maxConcurrent").asInt()).isEqualTo(3);
    assertThat(body.has("baseBranch")).isFalse();
    assertThat(run.out()).contains("Added repo acme", "base branch main");
  }

  @Test
  void add_passes_urls_through_unchanged() throws Exception {
    server.on("POST", "/api/repos", 201, ACME);

    server.run("repo", "add", "git@github.com:acme/acme.git");
    server.run("repo", "add", "https://example.com/acme.git");

    assertThat(server.requests())
        .extracting(request -> Json.mapper().readTree(request.body()).path("source").asText())
        .containsExactly("git@github.com:acme/acme.git", "https://example.com/acme.git");
  }

  @Test
  void add_reports_the_daemons_error_and_hint() {
    server.on(
        "POST",
        "/api/repos",
        400,
        """
        {"error":{"code":"NOT_A_GIT_REPO","message":"/tmp/x is not a git repository.",
         "hint":"Run git init there, or give the path of a clone."}}
        """);

    ContractServer.Run run = server.run("repo", "add", "/tmp/x");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("/tmp/x is not a git repository.", "hint: Run git init there");
  }

  @Test
  void max_concurrent_below_one_is_a_usage_error_and_sends_nothing() {
    ContractServer.Run run = server.run("repo", "add", "/tmp/x", "--max-concurrent", "0");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--max-concurrent must be at least 1");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void list_shows_slots_and_queue() {
    server.on("GET", "/api/repos", 200, "{\"repos\":[" + ACME + "]}");

    ContractServer.Run run = server.run("repo", "list");

    assertThat(run.exit()).isZero();
    assertThat(run.out().lines().toList())
        .first()
        .asString()
        .contains("NAME", "BASE", "ACTIVE", "QUEUED");
    assertThat(run.out()).contains("acme", "1/2", "/src/acme");
  }

  @Test
  void json_prints_the_apis_json() throws Exception {
    server.on("GET", "/api/repos/acme", 200, ACME);

    ContractServer.Run run = server.run("repo", "show", "acme", "--json");

    assertThat(Json.mapper().readTree(run.out())).isEqualTo(Json.mapper().readTree(ACME));
  }

  @Test
  void show_prints_timeouts_in_words() {
    server.on("GET", "/api/repos/acme", 200, ACME);

    ContractServer.Run run = server.run("repo", "show", "acme");

    assertThat(run.out()).containsPattern("provision timeout: +10m");
    assertThat(run.out()).containsPattern("run timeout: +default");
  }

  @Test
  void names_that_cannot_exist_are_not_found_without_a_request() {
    for (String name : new String[] {"../etc", "a b", "$(touch x)", "..", "a..b", ""}) {
      ContractServer.Run run = server.run("repo", "show", name);

      assertThat(run.exit()).as(name).isEqualTo(8);
      assertThat(run.err()).as(name).contains("No repo named");
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void unknown_repo_is_exit_8() {
    ContractServer.Run run = server.run("repo", "rm", "ghost");

    assertThat(run.exit()).isEqualTo(8);
    assertThat(server.requests().getFirst().method()).isEqualTo("DELETE");
  }

  @Test
  void set_sends_a_patch_with_iso_durations_and_null_for_default() throws Exception {
    server.on("PATCH", "/api/repos/acme", 200, ACME);

    ContractServer.Run run =
        server.run(
            "repo",
            "set",
            "acme",
            "--setup",
            "npm ci",
            "--provision-timeout",
            "90s",
            "--run-timeout",
            "default",
            "--idle-timeout",
            "PT5M");

    assertThat(run.exit()).as(run.err()).isZero();
    ContractServer.Request request = server.requests().getFirst();
    assertThat(request.method()).isEqualTo("PATCH");
    JsonNode body = Json.mapper().readTree(request.body());
    assertThat(body.path("setup").asText()).isEqualTo("npm ci");
    assertThat(body.path("provisionTimeout").asText()).isEqualTo("PT1M30S");
    assertThat(body.path("runTimeout").isNull()).isTrue();
    assertThat(body.path("idleTimeout").asText()).isEqualTo("PT5M");
    assertThat(body.has("maxConcurrent")).isFalse();
  }

  @Test
  void set_without_a_setting_or_with_a_bad_duration_is_a_usage_error() {
    ContractServer.Run nothing = server.run("repo", "set", "acme");
    ContractServer.Run bad = server.run("repo", "set", "acme", "--run-timeout", "soon");

    assertThat(nothing.exit()).isEqualTo(2);
    assertThat(nothing.err()).contains("Nothing to change");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--run-timeout 'soon'");
    assertThat(server.requests()).isEmpty();
  }
}
