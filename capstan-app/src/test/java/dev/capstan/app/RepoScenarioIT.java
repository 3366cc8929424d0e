package dev.capstan.app;

import static dev.capstan.app.TaskFixture.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registering repos: a local path is used in place, a URL is cloned under the home; bad paths,
 * missing branches, taken names and hostile names are refused with a clear error and leave nothing
 * behind.
 */
@LinuxOnly
class RepoScenarioIT {
  @TempDir Path tempDir;

  private CapstanHarness capstan;
  private TaskFixture fixture;

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir.resolve("world"));
    fixture = new TaskFixture(capstan, tempDir.resolve("src"));
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void add_list_show_set_and_rm_a_local_repo() {
    Path dir = fixture.gitRepo("acme");

    CliResult add = capstan.run("repo", "add", dir.toString(), "--max-concurrent", "3");
    CliResult list = capstan.run("repo", "list");
    CliResult set =
        capstan.run(
            "repo",
            "set",
            "acme",
            "--max-concurrent",
            "1",
            "--setup",
            "true",
            "--run-timeout",
            "5m");
    JsonNode shown = capstan.json("repo", "show", "acme");
    CliResult rm = capstan.run("repo", "rm", "acme");
    CliResult gone = capstan.run("repo", "show", "acme");

    add.assertExit(0);
    assertThat(add.stdout()).contains("Added repo acme", "base branch main");
    list.assertExit(0);
    assertThat(list.stdout()).contains("acme", "main", "0/3", dir.toString());
    set.assertExit(0);
    assertThat(shown.path("name").asText()).isEqualTo("acme");
    assertThat(shown.path("path").asText()).isEqualTo(dir.toString());
    assertThat(shown.path("baseBranch").asText()).isEqualTo("main");
    assertThat(shown.path("maxConcurrent").asInt()).isEqualTo(1);
    assertThat(shown.path("setup").asText()).isEqualTo("true");
    assertThat(shown.path("runTimeout").asText()).isEqualTo("PT5M");
    rm.assertExit(0);
    assertError(gone, 8, "acme");
    assertThat(dir.resolve(".git")).as("the repository itself stays").isDirectory();
    assertThat(GitRepos.status(dir)).as("the user's checkout is untouched").isEmpty();
  }

  @Test
  void a_file_url_is_cloned_under_the_home() {
    Path origin = fixture.gitRepo("upstream");

    JsonNode repo = capstan.json("repo", "add", "file://" + origin, "--name", "cloned");

    Path path = Path.of(repo.path("path").asText());
    assertThat(path).startsWith(capstan.home());
    assertThat(path.resolve("README.md")).isRegularFile();
    assertThat(repo.path("baseBranch").asText()).isEqualTo("main");
  }

  @Test
  void not_a_git_repo_is_refused() throws Exception {
    Path plain = Files.createDirectories(tempDir.resolve("src/plain"));

    CliResult add = capstan.run("repo", "add", plain.toString());
    CliResult missing = capstan.run("repo", "add", tempDir.resolve("src/nowhere").toString());

    assertError(add, 1, "not a git repo");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(capstan.json("repo", "list").path("repos")).isEmpty();
  }

  @Test
  void a_missing_base_branch_is_refused() {
    Path dir = fixture.gitRepo("acme");

    CliResult add = capstan.run("repo", "add", dir.toString(), "--base-branch", "develop");

    assertError(add, 1, "develop");
    assertThat(capstan.json("repo", "list").path("repos")).isEmpty();
  }

  @Test
  void a_taken_name_is_refused_and_the_first_repo_stays() {
    Path first = fixture.gitRepo("one");
    Path second = fixture.gitRepo("two");
    capstan.run("repo", "add", first.toString(), "--name", "acme").assertExit(0);

    CliResult again = capstan.run("repo", "add", second.toString(), "--name", "acme");

    assertError(again, 1, "acme");
    assertThat(capstan.json("repo", "show", "acme").path("path").asText())
        .isEqualTo(first.toString());
  }

  @Test
  void hostile_names_are_refused_and_nothing_runs_through_a_shell() {
    Path dir = fixture.gitRepo("acme");
    Path marker = tempDir.resolve("pwned");

    for (String name :
        new String[] {
          "../escape", "..", "a..b", "$(touch " + marker + ")", "a;touch " + marker, "a b", "-x"
        }) {
      CliResult add = capstan.run("repo", "add", dir.toString(), "--name=" + name);

      assertThat(add.exitCode()).as("repo add --name %s: %s", name, add).isNotZero();
      assertThat(add.stderr()).as("%s", add).doesNotContain("\tat ");
    }

    assertThat(marker).doesNotExist();
    assertThat(capstan.json("repo", "list").path("repos")).isEmpty();
    assertThat(capstan.home().resolve("repos").resolve("escape")).doesNotExist();
  }

  @Test
  void hostile_base_branches_are_refused_without_running_anything() {
    Path dir = fixture.gitRepo("acme");
    Path marker = tempDir.resolve("pwned");

    for (String branch :
        new String[] {"../main", "main;touch " + marker, "$(touch " + marker + ")", "--help"}) {
      CliResult add = capstan.run("repo", "add", dir.toString(), "--base-branch=" + branch);

      assertThat(add.exitCode()).as("%s", add).isNotZero();
      assertThat(add.stderr()).as("%s", add).doesNotContain("\tat ");
    }

    assertThat(marker).doesNotExist();
    assertThat(capstan.json("repo", "list").path("repos")).isEmpty();
  }

  @Test
  void a_path_with_shell_metacharacters_is_used_literally() {
    Path dir = fixture.gitRepo("we ird$(touch pwned);'x'");

    JsonNode repo = capstan.json("repo", "add", dir.toString(), "--name", "weird");

    assertThat(repo.path("path").asText()).isEqualTo(dir.toString());
    assertThat(tempDir.resolve("src/pwned")).doesNotExist();
    assertThat(Path.of("pwned")).doesNotExist();
  }
}
