package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The effective configuration and where each value came from (flag &gt; env &gt; config.toml &gt;
 * default); a bad config.toml fails fast, naming the key, with exit 2.
 */
@LinuxOnly
class ConfigScenarioIT {
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
  void config_show_names_the_source_of_every_value() throws Exception {
    capstan.write(
        "config.toml",
        """
        [log]
        level = "debug"

        [daemon]
        shutdownTimeout = "20s"
        """);

    CliResult show = capstan.run(Map.of("CAPSTAN_LOG_MAX_FILES", "7"), "config", "show", "--json");

    show.assertExit(0);
    Map<String, JsonNode> settings = settings(show);
    assertThat(source(settings, "log.level")).isEqualTo("config.toml");
    assertThat(value(settings, "log.level")).isEqualTo("debug");
    assertThat(source(settings, "log.maxFiles")).isEqualTo("env");
    assertThat(value(settings, "log.maxFiles")).isEqualTo("7");
    assertThat(source(settings, "daemon.shutdownTimeout"))
        .as("env beats config.toml")
        .isEqualTo("env");
    assertThat(value(settings, "daemon.shutdownTimeout")).isEqualTo("3s");
    assertThat(source(settings, "log.maxFileSize")).isEqualTo("default");
    assertThat(value(settings, "log.maxFileSize")).isEqualTo("10MiB");
    assertThat(source(settings, "daemon.port")).isEqualTo("env");
    assertThat(value(settings, "daemon.port"))
        .isEqualTo(Integer.toString(capstan.ports().preferred()));
  }

  @Test
  void config_show_prints_a_table_with_values_and_sources() {
    capstan.write("config.toml", "[log]\nlevel = \"debug\"\n");

    CliResult show = capstan.run("config", "show");

    show.assertExit(0);
    assertThat(show.stdout())
        .contains(capstan.home().toString())
        .containsPattern("log\\.level\\s+debug\\s+config\\.toml\\s+CAPSTAN_LOG_LEVEL")
        .containsPattern(
            "daemon\\.port\\s+" + capstan.ports().preferred() + "\\s+env\\s+CAPSTAN_PORT")
        .containsPattern("daemon\\.host\\s+127\\.0\\.0\\.1\\s+default\\s+CAPSTAN_HOST");
  }

  @Test
  void flags_beat_the_environment_and_the_daemon_logs_each_source() {
    int flagPort = capstan.ports().rangeLast();

    capstan.run("daemon", "start", "--port", Integer.toString(flagPort)).assertExit(0);

    assertThat(capstan.manifest().port()).isEqualTo(flagPort);
    CliResult logs = capstan.run("daemon", "logs", "-n", "100");
    assertThat(logs.stdout())
        .contains("config key=daemon.port value=" + flagPort + " source=flag")
        .contains("config key=daemon.portRange value=" + capstan.ports().range() + " source=env")
        .contains("config key=log.level value=INFO source=default");
  }

  @Test
  void bad_value_in_config_toml_fails_naming_the_key_with_exit_2() {
    capstan.write("config.toml", "[log]\nlevel = \"loud\"\n");

    CliResult show = capstan.run("config", "show");
    CliResult start = capstan.run("daemon", "start");

    show.assertExit(2);
    assertThat(show.stderr())
        .contains("Invalid value 'loud' for log.level")
        .contains("config.toml")
        .contains("TRACE, DEBUG, INFO, WARN, ERROR");
    start.assertExit(2);
    assertThat(start.stderr()).contains("log.level");
    assertThat(capstan.daemonProcesses()).isEmpty();
  }

  @Test
  void bad_value_in_config_toml_fails_even_when_the_environment_overrides_it() {
    capstan.write("config.toml", "[daemon]\nport = \"seventy\"\n");

    CliResult show = capstan.run("config", "show");

    show.assertExit(2);
    assertThat(show.stderr()).contains("daemon.port").contains("config.toml");
  }

  @Test
  void unknown_key_in_config_toml_fails_naming_the_key_with_exit_2() {
    capstan.write("config.toml", "[daemon]\nprot = 7423\n");

    CliResult show = capstan.run("config", "show");
    CliResult status = capstan.run("daemon", "status");

    show.assertExit(2);
    assertThat(show.stderr())
        .contains("Unknown key 'daemon.prot'")
        .contains("config.toml")
        .contains("daemon.port");
    status.assertExit(2);
    assertThat(status.stderr()).contains("daemon.prot");
  }

  @Test
  void toml_syntax_error_fails_with_exit_2_naming_the_file_and_the_position() {
    capstan.write("config.toml", "[log]\nlevel = \"debug\"\n[daemon\nport = 7423\n");

    CliResult show = capstan.run("config", "show");

    show.assertExit(2);
    assertThat(show.stderr()).contains("config.toml").contains("line 3");
  }

  @Test
  void bad_value_in_the_environment_fails_naming_the_variable_with_exit_2() {
    CliResult status = capstan.run(Map.of("CAPSTAN_PROBE_TIMEOUT", "soon"), "daemon", "status");

    status.assertExit(2);
    assertThat(status.stderr())
        .contains("client.probeTimeout")
        .contains("CAPSTAN_PROBE_TIMEOUT")
        .contains("500ms");
  }

  @Test
  void bad_flag_value_fails_with_exit_2_and_starts_nothing() {
    CliResult start = capstan.run("daemon", "start", "--port", "99999");

    start.assertExit(2);
    assertThat(start.stderr()).contains("daemon.port").contains("--port");
    assertThat(capstan.daemonProcesses()).isEmpty();
  }

  private static Map<String, JsonNode> settings(CliResult show) throws Exception {
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode setting : new ObjectMapper().readTree(show.stdout()).path("settings")) {
      byKey.put(setting.path("key").asText(), setting);
    }
    return byKey;
  }

  private static String source(Map<String, JsonNode> settings, String key) {
    assertThat(settings).containsKey(key);
    return settings.get(key).path("source").asText();
  }

  private static String value(Map<String, JsonNode> settings, String key) {
    assertThat(settings).containsKey(key);
    return settings.get(key).path("value").asText();
  }
}
