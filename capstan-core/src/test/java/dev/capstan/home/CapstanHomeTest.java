package dev.capstan.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapstanHomeTest {
  @TempDir Path dir;

  @Test
  void capstan_home_overrides_the_default() {
    CapstanHome home = CapstanHome.resolve(Map.of("CAPSTAN_HOME", dir.toString()), "/home/someone");

    assertThat(home.root()).isEqualTo(dir.toAbsolutePath().normalize());
  }

  @Test
  void without_capstan_home_the_home_is_dot_capstan_in_the_user_home() {
    CapstanHome home = CapstanHome.resolve(Map.of("CAPSTAN_HOME", " "), "/home/someone");

    assertThat(home.root()).isEqualTo(Path.of("/home/someone/.capstan"));
  }

  @Test
  void the_root_is_absolute_and_normalised() {
    CapstanHome home = new CapstanHome(Path.of("a/../b"));

    assertThat(home.root().isAbsolute()).isTrue();
    assertThat(home.root().getFileName()).isEqualTo(Path.of("b"));
    assertThat(home.root().toString()).doesNotContain("..");
  }

  @Test
  void files_live_where_the_architecture_says() {
    CapstanHome home = new CapstanHome(dir);

    assertThat(home.lockFile()).isEqualTo(dir.resolve("daemon.lock"));
    assertThat(home.manifestFile()).isEqualTo(dir.resolve("daemon.json"));
    assertThat(home.authFile()).isEqualTo(dir.resolve("auth.json"));
    assertThat(home.configFile()).isEqualTo(dir.resolve("config.toml"));
    assertThat(home.databaseFile()).isEqualTo(dir.resolve("capstan.db"));
    assertThat(home.logFile()).isEqualTo(dir.resolve("logs/daemon.log"));
    assertThat(home.worktreesDir()).isEqualTo(dir.resolve("worktrees"));
    assertThat(home.reposDir()).isEqualTo(dir.resolve("repos"));
  }

  @Test
  void ensure_exists_creates_the_home_and_logs_owner_only() throws IOException {
    CapstanHome home = new CapstanHome(dir.resolve("home"));

    home.ensureExists();

    assertThat(mode(home.root())).isEqualTo("rwx------");
    assertThat(mode(home.logDir())).isEqualTo("rwx------");
  }

  private static String mode(Path path) throws IOException {
    assertThat(Files.isDirectory(path)).isTrue();
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
