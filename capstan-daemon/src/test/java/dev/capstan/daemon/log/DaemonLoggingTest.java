package dev.capstan.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.auth.AuthToken;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLoggingTest {
  @TempDir Path home;

  @Test
  void the_daemon_log_is_json_lines_and_never_holds_a_token() throws IOException {
    List<AuthToken> tokens = new ArrayList<>();
    Path logFile;
    try (RunningDaemon daemon = RunningDaemon.start(home, Map.of("log.level", "DEBUG"))) {
      logFile = daemon.home().logFile();
      tokens.add(daemon.token());
      daemon.get("/api/daemon");
      daemon.send(
          daemon
              .request("/api/daemon")
              .header("Authorization", "Bearer " + tokens.get(0).value() + "x")
              .GET());
      daemon.get("/api/nothing-here");
      daemon.post("/api/daemon/shutdown", Optional.of("{\"bad\":"));
      daemon.post("/api/token/rotate", Optional.empty());
      tokens.add(daemon.token());
      daemon.get("/api/daemon");
    }

    String content = Files.readString(logFile);
    List<String> lines = content.lines().toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      JsonNode json = Json.mapper().readTree(line);
      assertThat(json.isObject()).as(line).isTrue();
      assertThat(json.get("ts").asText()).as(line).isNotBlank();
      assertThat(json.get("level").asText())
          .as(line)
          .isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
      assertThat(json.get("logger").asText()).as(line).isNotBlank();
      assertThat(json.has("msg")).as(line).isTrue();
    }
    assertThat(content)
        .contains("daemon healthy")
        .contains("token rotated")
        .contains("daemon stopped");
    for (AuthToken token : tokens) {
      assertThat(content).doesNotContain(token.value());
    }
  }

  @Test
  void the_effective_configuration_is_logged_once_with_its_sources() throws IOException {
    Path logFile;
    try (RunningDaemon daemon = RunningDaemon.start(home, Map.of("log.maxFiles", "3"))) {
      logFile = daemon.home().logFile();
    }

    List<JsonNode> config = new ArrayList<>();
    for (String line : Files.readAllLines(logFile)) {
      JsonNode json = Json.mapper().readTree(line);
      if (json.get("msg").asText().startsWith("config key=")) {
        config.add(json);
      }
    }
    assertThat(config)
        .extracting(json -> json.get("msg").asText())
        .contains("config key=log.maxFiles value=3 source=flag")
        .contains("config key=daemon.port value=0 source=flag")
        .contains("config key=log.level value=INFO source=default")
        .doesNotHaveDuplicates();
  }
}
