package dev.capstan.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.capstan.approval.ApprovalSettings;
import dev.capstan.tool.ToolPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Resolves {@link CapstanSettings} with the precedence flags &gt; {@code CAPSTAN_*} environment
 * &gt; {@code config.toml} &gt; defaults. Unknown keys in the file and bad values anywhere fail
 * fast with the key named.
 *
 * <p>Thread-safe (stateless).
 */
public final class SettingsResolver {
  private SettingsResolver() {}

  /**
   * Resolves the settings.
   *
   * @param flags values given on the command line, keyed by dotted setting key
   * @param env the environment
   * @param configFile {@code config.toml}; a missing file means "no file settings"
   */
  public static ResolvedSettings resolve(
      Map<String, String> flags, Map<String, String> env, Path configFile) {
    Map<String, String> fileValues = readConfigFile(configFile);
    Set<String> known =
        CapstanSettings.ALL.stream().map(Setting::key).collect(Collectors.toUnmodifiableSet());
    for (String key : flags.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("no setting named " + key);
      }
    }
    for (String key : fileValues.keySet()) {
      if (!known.contains(key)) {
        throw new ConfigInvalid(
            key,
            "Unknown key '" + key + "' in " + configFile,
            "Remove it or correct its spelling; known keys: " + String.join(", ", sorted(known)));
      }
    }
    Map<String, Object> typed = new HashMap<>();
    List<ResolvedSettings.Value> values = new ArrayList<>();
    for (Setting<?> setting : CapstanSettings.ALL) {
      String raw;
      Source source;
      String origin;
      if (flags.containsKey(setting.key())) {
        raw = flags.get(setting.key());
        source = Source.FLAG;
        origin = "flag " + setting.flag().orElse(setting.key());
      } else if (env.containsKey(setting.env()) && !env.get(setting.env()).isBlank()) {
        raw = env.get(setting.env());
        source = Source.ENV;
        origin = "environment variable " + setting.env();
      } else if (fileValues.containsKey(setting.key())) {
        raw = fileValues.get(setting.key());
        source = Source.CONFIG_FILE;
        origin = configFile.toString();
      } else {
        raw = setting.defaultValue();
        source = Source.DEFAULT;
        origin = "default";
      }
      typed.put(setting.key(), setting.parse(raw, origin));
      // why: a bad value fails even when a higher source overrides it, so a typo in config.toml
      // does not lurk until the override goes away.
      if (source != Source.CONFIG_FILE && fileValues.containsKey(setting.key())) {
        setting.parse(fileValues.get(setting.key()), configFile.toString());
      }
      values.add(
          new ResolvedSettings.Value(
              setting.key(), setting.env(), raw.trim(), source, setting.description()));
    }
    return new ResolvedSettings(build(typed), values);
  }

  private static CapstanSettings build(Map<String, Object> typed) {
    return new CapstanSettings(
        new CapstanSettings.DaemonSettings(
            get(typed, CapstanSettings.HOST),
            get(typed, CapstanSettings.PORT),
            get(typed, CapstanSettings.PORT_RANGE),
            get(typed, CapstanSettings.START_TIMEOUT),
            get(typed, CapstanSettings.SHUTDOWN_TIMEOUT)),
        new CapstanSettings.HttpSettings(get(typed, CapstanSettings.MAX_REQUEST_BYTES)),
        new CapstanSettings.LogSettings(
            get(typed, CapstanSettings.LOG_LEVEL),
            get(typed, CapstanSettings.LOG_MAX_FILE_SIZE),
            get(typed, CapstanSettings.LOG_MAX_FILES)),
        new CapstanSettings.ClientSettings(
            SettingsResolver.<Duration>get(typed, CapstanSettings.PROBE_TIMEOUT)),
        new CapstanSettings.EventSettings(
            get(typed, CapstanSettings.OUTPUT_RETENTION),
            get(typed, CapstanSettings.OUTPUT_MAX_BYTES)),
        new CapstanSettings.TaskSettings(
            get(typed, CapstanSettings.MAX_CONCURRENT),
            get(typed, CapstanSettings.REPO_MAX_CONCURRENT),
            get(typed, CapstanSettings.PROVISION_TIMEOUT),
            get(typed, CapstanSettings.RUN_TIMEOUT),
            get(typed, CapstanSettings.IDLE_TIMEOUT),
            get(typed, CapstanSettings.AUTO_RETRY_LIMIT),
            get(typed, CapstanSettings.RETRY_LIMIT),
            get(typed, CapstanSettings.AGENT_NICE),
            get(typed, CapstanSettings.HEALTH_INTERVAL),
            get(typed, CapstanSettings.WORKTREE_RETENTION),
            get(typed, CapstanSettings.COMMIT_AUTHOR_NAME),
            get(typed, CapstanSettings.COMMIT_AUTHOR_EMAIL),
            get(typed, CapstanSettings.COMMIT_MESSAGE)),
        new CapstanSettings.LlmSettings(
            get(typed, CapstanSettings.LLM_URL),
            Optional.of(SettingsResolver.<String>get(typed, CapstanSettings.LLM_MODEL)),
            get(typed, CapstanSettings.LLM_CONNECT_TIMEOUT),
            get(typed, CapstanSettings.LLM_FIRST_TOKEN_TIMEOUT),
            get(typed, CapstanSettings.LLM_IDLE_TIMEOUT),
            get(typed, CapstanSettings.LLM_TOTAL_TIMEOUT),
            get(typed, CapstanSettings.LLM_MAX_RETRIES),
            get(typed, CapstanSettings.LLM_HEALTH_INTERVAL)),
        new CapstanSettings.ToolSettings(
            toolPolicies(typed),
            get(typed, CapstanSettings.TOOLS_COMMAND_TIMEOUT),
            get(typed, CapstanSettings.TOOLS_OUTPUT_MAX_BYTES),
            get(typed, CapstanSettings.TOOLS_READ_MAX_BYTES)),
        new ApprovalSettings(
            get(typed, CapstanSettings.APPROVALS_TIMEOUT),
            get(typed, CapstanSettings.APPROVALS_TIMEOUT_ACTION)));
  }

  private static Map<String, ToolPolicy> toolPolicies(Map<String, Object> typed) {
    Map<String, ToolPolicy> policies = new LinkedHashMap<>();
    for (Setting<ToolPolicy> setting : CapstanSettings.TOOL_POLICIES) {
      policies.put(setting.key().substring("tools.policy.".length()), get(typed, setting));
    }
    return policies;
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(Map<String, Object> typed, Setting<T> setting) {
    return (T) typed.get(setting.key());
  }

  private static Map<String, String> readConfigFile(Path configFile) {
    String text;
    try {
      text = Files.readString(configFile);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configFile, e);
    }
    JsonNode root;
    try {
      root = new TomlMapper().readTree(text);
    } catch (JacksonException e) {
      throw new ConfigInvalid(
          configFile.toString(),
          "Cannot parse "
              + configFile
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr())
              + ": "
              + e.getOriginalMessage(),
          "Fix the TOML syntax at the position given.");
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (root != null) {
      flatten("", root, flat, configFile);
    }
    return flat;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(key, value, out, file);
      } else if (value.isValueNode()) {
        out.put(key, value.asText());
      } else {
        throw new ConfigInvalid(
            key,
            "Key '" + key + "' in " + file + " holds a list; it needs a single value",
            "Write it as key = value.");
      }
    }
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }
}
