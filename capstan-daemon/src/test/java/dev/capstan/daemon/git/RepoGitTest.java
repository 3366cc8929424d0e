package dev.capstan.daemon.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import dev.capstan.runtime.InvalidName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoGitTest {
  private final RepoGit repos = new RepoGit(TestRepos.GIT);

  @TempDir Path tmp;

  @Test
  void a_checkout_is_a_repo_with_its_toplevel_and_current_branch() throws Exception {
    Path repo = TestRepos.create(tmp.resolve("acme"));
    Files.createDirectories(repo.resolve("src"));

    Path top = repos.toplevel(repo.resolve("src"));

    assertThat(top).isEqualTo(repo.toRealPath());
    assertThat(repos.currentBranch(repo)).contains("main");
    assertThat(repos.branchExists(repo, "main")).isTrue();
    assertThat(repos.branchExists(repo, "develop")).isFalse();
  }

  @Test
  void a_plain_directory_a_missing_path_and_a_bare_repo_are_not_git_repos() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Path bare = tmp.resolve("bare.git");
    TestRepos.git(tmp, "init", "--quiet", "--bare", bare.toString());

    for (Path path : new Path[] {plain, tmp.resolve("missing"), bare}) {
      assertThatThrownBy(() -> repos.toplevel(path))
          .isInstanceOf(NotAGitRepo.class)
          .extracting(e -> ((CapstanException) e).code())
          .isEqualTo(ErrorCode.NOT_A_GIT_REPO);
    }
  }

  @Test
  void a_missing_base_branch_is_branch_not_found() throws Exception {
    Path repo = TestRepos.create(tmp.resolve("acme"));

    assertThatThrownBy(() -> repos.requireBranch(repo, "release"))
        .isInstanceOf(BranchNotFound.class)
        .hasMessageContaining("release");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-f",
        "--upload-pack=touch pwned",
        "a..b",
        "../etc",
        "x;rm -rf ~",
        "$(touch pwned)",
        "`id`",
        "a b",
        "a\nb",
        "@{-1}",
        "x.lock",
        "feature/",
        ""
      })
  void hostile_branch_names_are_refused(String branch) throws Exception {
    Path repo = TestRepos.create(tmp.resolve("acme"));

    assertThatThrownBy(() -> repos.branchExists(repo, branch)).isInstanceOf(InvalidName.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"main", "feature/login-2", "release-1.2", "user@fix"})
  void ordinary_branch_names_are_accepted(String branch) {
    assertThat(repos.requireValidBranch(branch)).isEqualTo(branch);
  }

  @Test
  void a_file_url_is_cloned_and_is_then_a_repo_on_its_default_branch() throws Exception {
    Path origin = TestRepos.create(tmp.resolve("origin"));
    Path target = tmp.resolve("home/repos/origin");

    repos.clone("file://" + origin, target, Duration.ofSeconds(30));

    assertThat(repos.toplevel(target)).isEqualTo(target.toRealPath());
    assertThat(repos.currentBranch(target)).contains("main");
    assertThat(target.resolve("README.md")).hasContent("hello");
  }

  @Test
  void a_url_that_cannot_be_cloned_fails_with_clone_failed_and_leaves_nothing() {
    Path target = tmp.resolve("home/repos/nothing");

    assertThatThrownBy(
            () ->
                repos.clone(
                    "file://" + tmp.resolve("no-such-repo"), target, Duration.ofSeconds(30)))
        .isInstanceOf(CloneFailed.class)
        .extracting(e -> ((CapstanException) e).code())
        .isEqualTo(ErrorCode.CLONE_FAILED);
    assertThat(target).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--upload-pack=touch /tmp/pwned", "-c", "not a url", "ext::sh -c id"})
  void option_like_and_non_url_sources_are_refused_before_git_runs(String url) {
    Path target = tmp.resolve("home/repos/x");

    assertThatThrownBy(() -> repos.clone(url, target, Duration.ofSeconds(30)))
        .isInstanceOf(CloneFailed.class);
    assertThat(target).doesNotExist();
  }

  @Test
  void credentials_in_a_url_never_reach_the_message() {
    assertThatThrownBy(
            () ->
                repos.clone(
                    "https://alice:s3cr3t@127.0.0.1:1/acme.git",
                    tmp.resolve("home/repos/acme"),
                    Duration.ofSeconds(30)))
        .isInstanceOf(CloneFailed.class)
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void default_names_come_from_the_last_segment_without_dot_git() {
    assertThat(RepoGit.defaultName("https://github.com/acme/web.git")).isEqualTo("web");
    assertThat(RepoGit.defaultName("git@github.com:acme/api.git")).isEqualTo("api");
    assertThat(RepoGit.defaultName("/home/me/src/tool/")).isEqualTo("tool");
    assertThatThrownBy(() -> RepoGit.defaultName("/home/me/..")).isInstanceOf(InvalidName.class);
    assertThat(RepoGit.isUrl("file:///srv/x")).isTrue();
    assertThat(RepoGit.isUrl("/srv/x")).isFalse();
  }
}
