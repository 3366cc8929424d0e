package dev.capstan.daemon.local;

import dev.capstan.runtime.RunMarker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The minimal, explicit environment of an agent or setup process. From the daemon's environment
 * only {@code PATH}, {@code HOME}, {@code LANG}, {@code LC_ALL}, {@code USER} and {@code TMPDIR}
 * pass; nothing else does (no {@code CAPSTAN_TOKEN}, no API keys). Capstan adds {@code TERM=dumb},
 * the task's ids, the prompt, the workspace and the run marker.
 *
 * <p>{@code CAPSTAN_PROMPT} is left out when the prompt is larger than {@link
 * #MAX_PROMPT_ENV_BYTES} (the kernel limits one environment string to 128 KiB) or contains a NUL
 * character; {@code CAPSTAN_PROMPT_FILE} always holds the whole prompt.
 *
 * <p>Thread-safe (stateless).
 */
final class AgentEnvironment {
  /** Names copied from the daemon's environment when set. */
  static final List<String> PASSED_THROUGH =
      List.of("PATH", "HOME", "LANG", "LC_ALL", "USER", "TMPDIR");

  /** The largest prompt (in UTF-8 bytes) also given in {@code CAPSTAN_PROMPT}. */
  static final int MAX_PROMPT_ENV_BYTES = 96 * 1024;

  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private AgentEnvironment() {}

  /**
   * The environment of a run.
   *
   * @param parentEnv the daemon's environment (only the names in {@link #PASSED_THROUGH} are read)
   * @param prompt the prompt for {@code CAPSTAN_PROMPT}, or empty for a setup command
   * @param promptFile the prompt file for {@code CAPSTAN_PROMPT_FILE}, or empty for a setup command
   * @param extra the agent's own variables; they never replace Capstan's
   */
  static Map<String, String> build(
      Map<String, String> parentEnv,
      RunMarker marker,
      Path workspace,
      Optional<String> prompt,
      Optional<Path> promptFile,
      Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>();
    extra.forEach(
        (name, value) -> {
          if (!name.startsWith("CAPSTAN_") && value.indexOf('\0') < 0) {
            env.put(name, value);
          }
        });
    for (String name : PASSED_THROUGH) {
      String value = parentEnv.get(name);
      if (value != null && !value.isEmpty()) {
        env.put(name, value);
      }
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    env.putIfAbsent("LANG", "C.UTF-8");
    env.putIfAbsent("TMPDIR", "/tmp");
    env.put("TERM", "dumb");
    env.put("CAPSTAN_TASK_ID", Long.toString(marker.taskId()));
    env.put("CAPSTAN_ATTEMPT", Integer.toString(marker.attempt()));
    env.put("CAPSTAN_WORKSPACE", workspace.toString());
    env.put(RunMarker.ENV, marker.value());
    prompt
        .filter(text -> text.indexOf('\0') < 0)
        .filter(text -> text.getBytes(StandardCharsets.UTF_8).length <= MAX_PROMPT_ENV_BYTES)
        .ifPresent(text -> env.put("CAPSTAN_PROMPT", text));
    promptFile.ifPresent(file -> env.put("CAPSTAN_PROMPT_FILE", file.toString()));
    return env;
  }
}
