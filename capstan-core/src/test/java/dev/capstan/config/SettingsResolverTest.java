package dev.capstan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsResolverTest {

  /** Three distinct valid values per setting: for the flag, the environment and the file. */
  private static final Map<String, List<String>> BASIC_SAMPLES =
      Map.ofEntries(
          Map.entry("daemon.host", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")),
          Map.entry("daemon.port", List.of("7001", "7002", "7003")),
          Map.entry("daemon.portRange", List.of("8001-8002", "8011-8012", "8021-8022")),
          Map.entry("daemon.startTimeout", List.of("1s", "2s", "3s")),
          Map.entry("daemon.shutdownTimeout", List.of("4s", "5s", "6s")),
          Map.entry("http.maxRequestBytes", List.of("1000", "2000", "3000")),
          Map.entry("log.level", List.of("DEBUG", "WARN", "ERROR")),
          Map.entry("log.maxFileSize", List.of("1KiB", "2KiB", "3KiB")),
          Map.entry("log.maxFiles", List.of("1", "2", "3")),
          Map.entry("client.probeTimeout", List.of("100ms", "200ms", "300ms")),
          Map.entry("events.outputRetention", List.of("1d", "2d", "36h")),
          Map.entry("events.outputMaxBytesPerStream", List.of("1MiB", "2MiB", "3MiB")),
          Map.entry("tasks.maxConcurrent", List.of("1", "2", "3")),
          Map.entry("tasks.repoMaxConcurrent", List.of("4", "5", "6")),
          Map.entry("tasks.provisionTimeout", List.of("1m", "2m", "3m")),
          Map.entry("tasks.runTimeout", List.of("1h", "2h", "3h")),
          Map.entry("tasks.idleTimeout", List.of("4m", "5m", "6m")),
          Map.entry("tasks.autoRetryLimit", List.of("0", "1", "2")),
          Map.entry("tasks.retryLimit", List.of("7", "8", "9")),
          Map.entry("tasks.agentNice", List.of("0", "5", "19")),
          Map.entry("tasks.healthInterval", List.of("10s", "20s", "30s")),
          Map.entry("tasks.worktreeRetention", List.of("1d", "2d", "3d")),
          Map.entry("tasks.commitAuthorName", List.of("A", "B", "C")),
          Map.entry("tasks.commitAuthorEmail", List.of("a@x", "b@x", "c@x")),
          Map.entry("tasks.commitMessage", List.of("m1 {id}", "m2 {id}", "m3 {id}")),
          Map.entry(
              "llm.url",
              List.of("http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1", "https://llm.example/v1")),
          Map.entry("llm.model", List.of("qwen3-8b", "llama-3.1-8b", "gemma-3-4b")),
          Map.entry("llm.connectTimeout", List.of("1s", "2s", "3s")),
          Map.entry("llm.firstTokenTimeout", List.of("10s", "20s", "30s")),
          Map.entry("llm.idleTimeout", List.of("4s", "5s", "6s")),
          Map.entry("llm.totalTimeout", List.of("1m", "2m", "3m")),
          Map.entry("llm.maxRetries", List.of("0", "1", "5")),
          Map.entry("llm.healthInterval", List.of("5s", "10s", "1m")),
          Map.entry("tools.commandTimeout", List.of("10s", "20s", "5m")),
          Map.entry("tools.outputMaxBytes", List.of("1KiB", "2KiB", "3KiB")),
          Map.entry("tools.readMaxBytes", List.of("4KiB", "5KiB", "6KiB")),
          Map.entry("approvals.timeout", List.of("5m", "none", "1h")),
          Map.entry("approvals.timeoutAction", List.of("deny", "cancel", "DENY")));

  private static final Map<String, List<String>> SAMPLES = samples();

  /** Settings whose value is any one line of text. */
  private static final java.util.Set<String> FREE_TEXT =
      java.util.Set.of("tasks.commitAuthorName", "tasks.commitAuthorEmail", "tasks.commitMessage");

  private static Map<String, List<String>> samples() {
    Map<String, List<String>> samples = new java.util.HashMap<>(BASIC_SAMPLES);
    for (Setting<?> policy : CapstanSettings.TOOL_POLICIES) {
      samples.put(policy.key(), List.of("allow", "deny", "ask"));
    }
    return samples;
  }

  @TempDir Path dir;

  static Stream<Setting<?>> everySetting() {
    return CapstanSettings.ALL.stream();
  }

  @Test
  void every_setting_has_samples_for_the_precedence_tests() {
    List<String> keys = CapstanSettings.ALL.stream().map(Setting::key).toList();

    assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void without_flags_env_or_file_every_setting_is_its_default() {
    ResolvedSettings resolved = SettingsResolver.resolve(Map.of(), Map.of(), missingFile());

    CapstanSettings settings = resolved.settings();
    assertThat(settings.daemon().host()).isEqualTo("127.0.0.1");
    assertThat(settings.daemon().port()).isEqualTo(CapstanSettings.DEFAULT_PORT);
    assertThat(settings.daemon().portRange()).isEqualTo(CapstanSettings.DEFAULT_PORT_RANGE);
    assertThat(settings.daemon().startTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.daemon().shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.http().maxRequestBytes()).isEqualTo(1L << 20);
    assertThat(settings.log().level()).isEqualTo("INFO");
    assertThat(settings.log().maxFileBytes()).isEqualTo(10L << 20);
    assertThat(settings.log().maxFiles()).isEqualTo(5);
    assertThat(settings.client().probeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.tasks()).isEqualTo(CapstanSettings.TaskSettings.DEFAULTS);
    assertThat(resolved.values())
        .extracting(ResolvedSettings.Value::source)
        .containsOnly(Source.DEFAULT);
  }

  @Test
  void values_are_listed_once_per_setting_in_declaration_order() {
    ResolvedSettings resolved = SettingsResolver.resolve(Map.of(), Map.of(), missingFile());

    assertThat(resolved.values())
        .extracting(ResolvedSettings.Value::key)
        .containsExactlyElementsOf(CapstanSettings.ALL.stream().map(Setting::key).toList());
  }

  @ParameterizedTest
  @MethodSource("everySetting")
  void the_file_overrides_the_default(Setting<?> setting) throws IOException {
    Path file = configFile(tomlLine(setting.key(), sample(setting, 2)));

    ResolvedSettings.Value value =
        valueOf(SettingsResolver.resolve(Map.of(), Map.of(), file), setting);

    assertThat(value.source()).isEqualTo(Source.CONFIG_FILE);
    assertThat(value.value()).isEqualTo(sample(setting, 2));
  }

  @ParameterizedTest
  @MethodSource("everySetting")
  void the_environment_overrides_the_file(Setting<?> setting) throws IOException {
    Path file = configFile(tomlLine(setting.key(), sample(setting, 2)));
    Map<String, String> env = Map.of(setting.env(), sample(setting, 1));

    ResolvedSettings.Value value = valueOf(SettingsResolver.resolve(Map.of(), env, file), setting);

    assertThat(value.source()).isEqualTo(Source.ENV);
    assertThat(value.value()).isEqualTo(sample(setting, 1));
  }

  @ParameterizedTest
  @MethodSource("everySetting")
  void a_flag_overrides_the_environment_and_the_file(Setting<?> setting) throws IOException {
    Path file = configFile(tomlLine(setting.key(), sample(setting, 2)));
    Map<String, String> env = Map.of(setting.env(), sample(setting, 1));
    Map<String, String> flags = Map.of(setting.key(), sample(setting, 0));

    ResolvedSettings.Value value = valueOf(SettingsResolver.resolve(flags, env, file), setting);

    assertThat(value.source()).isEqualTo(Source.FLAG);
    assertThat(value.value()).isEqualTo(sample(setting, 0));
  }

  @ParameterizedTest(name = "flag={0} env={1} file={2}")
  @CsvSource({
    "true,  true,  true",
    "true,  true,  false",
    "true,  false, true",
    "true,  false, false",
    "false, true,  true",
    "false, true,  false",
    "false, false, true",
    "false, false, false"
  })
  void the_highest_source_present_wins(boolean flagSet, boolean envSet, boolean fileSet)
      throws IOException {
    Path file = configFile(fileSet ? "[daemon]\nport = 7003\n" : "");
    Map<String, String> env = envSet ? Map.of("CAPSTAN_PORT", "7002") : Map.of();
    Map<String, String> flags = flagSet ? Map.of("daemon.port", "7001") : Map.of();

    ResolvedSettings resolved = SettingsResolver.resolve(flags, env, file);

    int expected = flagSet ? 7001 : envSet ? 7002 : fileSet ? 7003 : CapstanSettings.DEFAULT_PORT;
    Source expectedSource =
        flagSet ? Source.FLAG : envSet ? Source.ENV : fileSet ? Source.CONFIG_FILE : Source.DEFAULT;
    assertThat(resolved.settings().daemon().port()).isEqualTo(expected);
    assertThat(valueOf(resolved, CapstanSettings.PORT).source()).isEqualTo(expectedSource);
  }

  @Test
  void a_blank_environment_variable_counts_as_unset() throws IOException {
    Path file = configFile("[daemon]\nport = 7003\n");

    ResolvedSettings resolved =
        SettingsResolver.resolve(Map.of(), Map.of("CAPSTAN_PORT", "   "), file);

    assertThat(resolved.settings().daemon().port()).isEqualTo(7003);
  }

  @Test
  void environment_variables_that_are_not_settings_are_ignored() {
    Map<String, String> env = Map.of("CAPSTAN_NOT_A_SETTING", "x", "PATH", "/usr/bin");

    ResolvedSettings resolved = SettingsResolver.resolve(Map.of(), env, missingFile());

    assertThat(resolved.settings().daemon().port()).isEqualTo(CapstanSettings.DEFAULT_PORT);
  }

  @Test
  void values_are_trimmed() {
    ResolvedSettings resolved =
        SettingsResolver.resolve(Map.of(), Map.of("CAPSTAN_PORT", " 7005 "), missingFile());

    assertThat(resolved.settings().daemon().port()).isEqualTo(7005);
    assertThat(valueOf(resolved, CapstanSettings.PORT).value()).isEqualTo("7005");
  }

  @Test
  void toml_accepts_native_types_tables_and_dotted_keys() throws IOException {
    Path file =
        configFile(
            """
            daemon.host = "127.0.0.2"
            daemon.port = 7004
            [http]
            maxRequestBytes = "2MiB"
            [log]
            maxFiles = 3
            """);

    CapstanSettings settings = SettingsResolver.resolve(Map.of(), Map.of(), file).settings();

    assertThat(settings.daemon().host()).isEqualTo("127.0.0.2");
    assertThat(settings.daemon().port()).isEqualTo(7004);
    assertThat(settings.http().maxRequestBytes()).isEqualTo(2L << 20);
    assertThat(settings.log().maxFiles()).isEqualTo(3);
  }

  @Test
  void an_empty_file_means_defaults() throws IOException {
    Path file = configFile("");

    ResolvedSettings resolved = SettingsResolver.resolve(Map.of(), Map.of(), file);

    assertThat(resolved.values())
        .extracting(ResolvedSettings.Value::source)
        .containsOnly(Source.DEFAULT);
  }

  @Test
  void a_file_of_only_comments_means_defaults() throws IOException {
    Path file = configFile("# nothing configured yet\n\n");

    ResolvedSettings resolved = SettingsResolver.resolve(Map.of(), Map.of(), file);

    assertThat(resolved.values())
        .extracting(ResolvedSettings.Value::source)
        .containsOnly(Source.DEFAULT);
  }

  @Test
  void a_missing_file_means_defaults() {
    ResolvedSettings resolved = SettingsResolver.resolve(Map.of(), Map.of(), missingFile());

    assertThat(resolved.settings().daemon().port()).isEqualTo(CapstanSettings.DEFAULT_PORT);
  }

  @Test
  void an_unknown_key_in_the_file_is_named() throws IOException {
    Path file = configFile("[daemon]\nprot = 7001\n");

    assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), Map.of(), file))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo("daemon.prot");
              assertThat(e.getMessage()).contains("daemon.prot").contains(file.toString());
              assertThat(e.hint()).contains("daemon.port");
            });
  }

  @Test
  void an_unknown_table_in_the_file_is_named() throws IOException {
    Path file = configFile("[deamon]\nport = 7001\n");

    assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), Map.of(), file))
        .isInstanceOfSatisfying(
            ConfigInvalid.class, e -> assertThat(e.key()).isEqualTo("deamon.port"));
  }

  @Test
  void a_list_in_the_file_is_named() throws IOException {
    Path file = configFile("[daemon]\nport = [7001, 7002]\n");

    assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), Map.of(), file))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo("daemon.port");
              assertThat(e.getMessage()).contains("daemon.port").contains("list");
            });
  }

  @Test
  void a_bad_value_in_the_file_names_the_key_and_the_file() throws IOException {
    Path file = configFile("[daemon]\nport = \"seventy\"\n");

    assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), Map.of(), file))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo("daemon.port");
              assertThat(e.getMessage())
                  .contains("daemon.port")
                  .contains("seventy")
                  .contains(file.toString());
            });
  }

  @Test
  void a_bad_value_in_the_environment_names_the_key_and_the_variable() {
    Map<String, String> env = Map.of("CAPSTAN_PORT", "99999");

    assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), env, missingFile()))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo("daemon.port");
              assertThat(e.getMessage())
                  .contains("daemon.port")
                  .contains("environment variable CAPSTAN_PORT")
                  .contains("0-65535");
            });
  }

  @Test
  void a_bad_flag_value_names_the_key_and_the_flag() {
    Map<String, String> flags = Map.of("daemon.portRange", "7443-7424");

    assertThatThrownBy(() -> SettingsResolver.resolve(flags, Map.of(), missingFile()))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo("daemon.portRange");
              assertThat(e.getMessage()).contains("daemon.portRange").contains("flag --port-range");
            });
  }

  @ParameterizedTest
  @MethodSource("everySetting")
  void every_setting_rejects_garbage_naming_its_key(Setting<?> setting) {
    // why: free-text settings (commit author, message) accept any line, so their garbage is blank.
    String garbage = FREE_TEXT.contains(setting.key()) ? "\u0000\t " : "not a value \u0000";
    Map<String, String> env = Map.of(setting.env(), garbage);

    assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), env, missingFile()))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo(setting.key());
              assertThat(e.getMessage()).contains(setting.key()).contains(setting.env());
            });
  }

  @Test
  void a_toml_syntax_error_names_the_file() throws IOException {
    Path file = configFile("[daemon\nport = 7001\n");

    assertThatThrownBy(() -> SettingsResolver.resolve(Map.of(), Map.of(), file))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo(file.toString());
              assertThat(e.getMessage()).startsWith("Cannot parse " + file);
            });
  }

  @Test
  void an_unknown_flag_key_is_a_programming_error() {
    Map<String, String> flags = Map.of("daemon.nope", "1");

    assertThatThrownBy(() -> SettingsResolver.resolve(flags, Map.of(), missingFile()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("daemon.nope");
  }

  private Path missingFile() {
    return dir.resolve("does-not-exist.toml");
  }

  private Path configFile(String content) throws IOException {
    return Files.writeString(dir.resolve("config.toml"), content);
  }

  private static String tomlLine(String dottedKey, String value) {
    int dot = dottedKey.indexOf('.');
    return "["
        + dottedKey.substring(0, dot)
        + "]\n"
        + dottedKey.substring(dot + 1)
        + " = \""
        + value
        + "\"\n";
  }

  private static String sample(Setting<?> setting, int index) {
    return SAMPLES.get(setting.key()).get(index);
  }

  private static ResolvedSettings.Value valueOf(ResolvedSettings resolved, Setting<?> setting) {
    Map<String, ResolvedSettings.Value> byKey = new HashMap<>();
    resolved.values().forEach(value -> byKey.put(value.key(), value));
    return byKey.get(setting.key());
  }
}
