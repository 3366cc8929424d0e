package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local token: rotated on request and revoked at once, kept across restarts, its file kept
 * owner-only, and never shown on a command line, in a log, in the manifest or in any output.
 */
@LinuxOnly
class TokenScenarioIT {
  @TempDir Path tempDir;

  private CapstanHarness capstan;

  @BeforeEach
  void createHarness() {
    capstan = new CapstanHarness(tempDir);
  }

  @AfterEach
  void cleanUp() {
    capstan.close();
  }

  @Test
  void loose_token_file_is_made_owner_only_on_start_and_its_token_kept() throws IOException {
    String token = "a-token-a-person-wrote-" + "0123456789".repeat(3);
    capstan.write(
        "auth.json",
        "{\"version\":1,\"token\":\"" + token + "\",\"createdAt\":\"2025-01-01T00:00:00Z\"}");
    Files.setPosixFilePermissions(
        capstan.home().resolve("auth.json"), PosixFilePermissions.fromString("rw-r--r--"));

    capstan.startDaemon();

    assertThat(mode(capstan.home().resolve("auth.json"))).isEqualTo("rw-------");
    assertThat(mode(capstan.home())).isEqualTo("rwx------");
    assertThat(capstan.token()).isEqualTo(token);
    try (DaemonHttp http = capstan.http()) {
      assertThat(http.authorized("GET", "/api/daemon", token).status()).isEqualTo(200);
    }
  }

  @Test
  void token_never_appears_in_process_arguments_logs_manifest_or_json_output() throws Exception {
    List<CliResult> outputs = new ArrayList<>();
    outputs.add(capstan.run("daemon", "start", "--json"));
    String token = capstan.token();

    outputs.add(capstan.run("daemon", "status", "--json"));
    outputs.add(capstan.run("daemon", "status"));
    outputs.add(capstan.run("config", "show", "--json"));
    outputs.add(capstan.run("daemon", "logs", "-n", "200", "--json"));
    long daemon = capstan.manifest().pid();
    String processes = processArguments();
    outputs.add(capstan.run("daemon", "restart", "--json"));
    String tokenAfterRestart = capstan.token();
    outputs.add(capstan.run("daemon", "stop", "--json"));

    assertThat(tokenAfterRestart).as("the token survives a restart").isEqualTo(token);
    assertThat(processes)
        .containsPattern(
            "(?m)^\\s*" + daemon + " .*(capstan\\.jar|dev\\.capstan\\.app\\.Main) daemon run")
        .doesNotContain(token);
    for (CliResult output : outputs) {
      output.assertExit(0);
      assertThat(output.output()).as(output.toString()).doesNotContain(token);
    }
    assertThat(capstan.read("logs/daemon.log")).isNotEmpty().doesNotContain(token);
    try (Stream<Path> files = Files.list(capstan.home())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (!file.getFileName().toString().equals("auth.json")) {
          assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
              .as(file.getFileName().toString())
              .doesNotContain(token);
        }
      }
    }
  }

  @Test
  void token_rotate_revokes_the_old_token_at_once_and_never_prints_the_new_one() {
    capstan.startDaemon();
    String original = capstan.token();

    CliResult rotate = capstan.run("token", "rotate");
    String first = capstan.token();
    CliResult rotateJson = capstan.run("token", "rotate", "--json");
    String second = capstan.token();

    rotate.assertExit(0);
    assertThat(rotate.stdout()).contains("Token rotated.").contains("never printed");
    assertThat(rotate.output()).doesNotContain(original).doesNotContain(first);
    rotateJson.assertExit(0);
    assertThat(rotateJson.output()).doesNotContain(first).doesNotContain(second);
    assertThat(List.of(original, first, second)).doesNotHaveDuplicates();
    try (DaemonHttp http = capstan.http()) {
      assertThat(http.authorized("GET", "/api/daemon", original).status()).isEqualTo(401);
      assertThat(http.authorized("GET", "/api/daemon", first).status()).isEqualTo(401);
      assertThat(http.authorized("GET", "/api/daemon", second).status()).isEqualTo(200);
    }
    capstan.run("daemon", "status").assertExit(0);
    assertThat(capstan.read("logs/daemon.log"))
        .contains("token rotated")
        .doesNotContain(first)
        .doesNotContain(second);
  }

  @Test
  void token_rotate_without_a_daemon_replaces_the_token_and_starts_nothing() {
    capstan.write(
        "auth.json",
        "{\"version\":1,\"token\":\"old-token-0123456789\",\"createdAt\":\"2025-01-01T00:00:00Z\"}");

    CliResult rotate = capstan.run("token", "rotate");

    rotate.assertExit(0);
    String current = capstan.token();
    assertThat(current).isNotEqualTo("old-token-0123456789");
    assertThat(rotate.output()).doesNotContain(current);
    assertThat(capstan.daemonProcesses()).isEmpty();
  }

  @Test
  void token_rotate_on_a_fresh_home_creates_an_owner_only_home_and_token() throws IOException {
    CliResult rotate = capstan.run("token", "rotate");

    rotate.assertExit(0);
    assertThat(mode(capstan.home())).isEqualTo("rwx------");
    assertThat(mode(capstan.home().resolve("auth.json"))).isEqualTo("rw-------");
    assertThat(rotate.output()).doesNotContain(capstan.token());
    assertThat(capstan.daemonProcesses()).isEmpty();
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static String processArguments() throws IOException, InterruptedException {
    Process ps =
        new ProcessBuilder("ps", "-eo", "pid,args", "--cols", "100000")
            .redirectErrorStream(true)
            .start();
    String text = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ps.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return text;
  }
}
