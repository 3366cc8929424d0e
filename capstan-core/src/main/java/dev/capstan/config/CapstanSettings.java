package dev.capstan.config;

import dev.capstan.approval.ApprovalSettings;
import dev.capstan.tool.ToolPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The effective configuration of Capstan, resolved once from flags, {@code CAPSTAN_*} environment
 * variables, {@code config.toml} and defaults, in that precedence.
 *
 * <p>Immutable and thread-safe.
 *
 * @param daemon where and how the daemon listens and starts
 * @param http request limits
 * @param log the structured log
 * @param client how the CLI talks to the daemon
 * @param events retention of the event log
 * @param tasks limits, timeouts, retries and commits of tasks
 * @param llm the OpenAI-compatible LLM server
 * @param tools tool policies and limits
 * @param approvals how long permission requests wait, and what happens then
 */
public record CapstanSettings(
    DaemonSettings daemon,
    HttpSettings http,
    LogSettings log,
    ClientSettings client,
    EventSettings events,
    TaskSettings tasks,
    LlmSettings llm,
    ToolSettings tools,
    ApprovalSettings approvals) {

  /** The preferred port. */
  public static final int DEFAULT_PORT = 7423;

  /** Ports tried, in order, when the preferred one is taken. */
  public static final PortRange DEFAULT_PORT_RANGE = new PortRange(7424, 7443);

  public static final Setting<String> HOST =
      new Setting<>(
          "daemon.host",
          "CAPSTAN_HOST",
          Optional.of("--host"),
          "127.0.0.1",
          ValueParsers::host,
          "address the daemon binds to; anything but loopback is reachable from the network");
  public static final Setting<Integer> PORT =
      new Setting<>(
          "daemon.port",
          "CAPSTAN_PORT",
          Optional.of("--port"),
          Integer.toString(DEFAULT_PORT),
          ValueParsers::port,
          "preferred port; 0 takes any free port");
  public static final Setting<PortRange> PORT_RANGE =
      new Setting<>(
          "daemon.portRange",
          "CAPSTAN_PORT_RANGE",
          Optional.of("--port-range"),
          DEFAULT_PORT_RANGE.toString(),
          PortRange::parse,
          "fallback ports, tried in order when the preferred port is taken");
  public static final Setting<Duration> START_TIMEOUT =
      new Setting<>(
          "daemon.startTimeout",
          "CAPSTAN_START_TIMEOUT",
          Optional.empty(),
          "30s",
          ValueParsers::duration,
          "how long the CLI waits for a new daemon to become healthy");
  public static final Setting<Duration> SHUTDOWN_TIMEOUT =
      new Setting<>(
          "daemon.shutdownTimeout",
          "CAPSTAN_SHUTDOWN_TIMEOUT",
          Optional.empty(),
          "10s",
          ValueParsers::duration,
          "how long a stopping daemon lets in-flight work finish before aborting it");
  public static final Setting<Long> MAX_REQUEST_BYTES =
      new Setting<>(
          "http.maxRequestBytes",
          "CAPSTAN_MAX_REQUEST_BYTES",
          Optional.empty(),
          "1MiB",
          ValueParsers::size,
          "largest accepted request body");
  public static final Setting<String> LOG_LEVEL =
      new Setting<>(
          "log.level",
          "CAPSTAN_LOG_LEVEL",
          Optional.empty(),
          "INFO",
          ValueParsers::logLevel,
          "threshold of logs/daemon.log");
  public static final Setting<Long> LOG_MAX_FILE_SIZE =
      new Setting<>(
          "log.maxFileSize",
          "CAPSTAN_LOG_MAX_FILE_SIZE",
          Optional.empty(),
          "10MiB",
          ValueParsers::size,
          "size at which logs/daemon.log is rotated");
  public static final Setting<Integer> LOG_MAX_FILES =
      new Setting<>(
          "log.maxFiles",
          "CAPSTAN_LOG_MAX_FILES",
          Optional.empty(),
          "5",
          ValueParsers::positiveInt,
          "rotated log files kept (daemon.log.1 ... daemon.log.N)");
  public static final Setting<Duration> PROBE_TIMEOUT =
      new Setting<>(
          "client.probeTimeout",
          "CAPSTAN_PROBE_TIMEOUT",
          Optional.empty(),
          "2s",
          ValueParsers::duration,
          "how long the CLI waits for the daemon to answer before calling it unresponsive");

  public static final Setting<Duration> OUTPUT_RETENTION =
      new Setting<>(
          "events.outputRetention",
          "CAPSTAN_EVENTS_OUTPUT_RETENTION",
          Optional.empty(),
          "30d",
          ValueParsers::duration,
          "output chunks older than this are deleted (state, approval and health events are kept)");
  public static final Setting<Long> OUTPUT_MAX_BYTES =
      new Setting<>(
          "events.outputMaxBytesPerStream",
          "CAPSTAN_EVENTS_OUTPUT_MAX_BYTES",
          Optional.empty(),
          "256MiB",
          ValueParsers::size,
          "beyond this much output per stream, the oldest output chunks are deleted");

  public static final Setting<Integer> MAX_CONCURRENT =
      new Setting<>(
          "tasks.maxConcurrent",
          "CAPSTAN_MAX_CONCURRENT",
          Optional.empty(),
          "5",
          ValueParsers::positiveInt,
          "tasks provisioning or running at once, over all repos (PUT /api/limits overrides it)");
  public static final Setting<Integer> REPO_MAX_CONCURRENT =
      new Setting<>(
          "tasks.repoMaxConcurrent",
          "CAPSTAN_REPO_MAX_CONCURRENT",
          Optional.empty(),
          "2",
          ValueParsers::positiveInt,
          "default per-repo limit of tasks provisioning or running at once");
  public static final Setting<Duration> PROVISION_TIMEOUT =
      new Setting<>(
          "tasks.provisionTimeout",
          "CAPSTAN_PROVISION_TIMEOUT",
          Optional.empty(),
          "10m",
          ValueParsers::duration,
          "longest a task may spend provisioning (worktree + setup command)");
  public static final Setting<Duration> RUN_TIMEOUT =
      new Setting<>(
          "tasks.runTimeout",
          "CAPSTAN_RUN_TIMEOUT",
          Optional.empty(),
          "2h",
          ValueParsers::duration,
          "longest an agent may run");
  public static final Setting<Duration> IDLE_TIMEOUT =
      new Setting<>(
          "tasks.idleTimeout",
          "CAPSTAN_IDLE_TIMEOUT",
          Optional.empty(),
          "30m",
          ValueParsers::duration,
          "longest an agent may go without output");
  public static final Setting<Integer> AUTO_RETRY_LIMIT =
      new Setting<>(
          "tasks.autoRetryLimit",
          "CAPSTAN_TASK_AUTO_RETRY_LIMIT",
          Optional.empty(),
          "3",
          ValueParsers::nonNegativeInt,
          "automatic re-queues of an interrupted task before it fails");
  public static final Setting<Integer> RETRY_LIMIT =
      new Setting<>(
          "tasks.retryLimit",
          "CAPSTAN_TASK_RETRY_LIMIT",
          Optional.empty(),
          "5",
          ValueParsers::nonNegativeInt,
          "retries, restarts and redos a person may ask for per task");
  public static final Setting<Integer> AGENT_NICE =
      new Setting<>(
          "tasks.agentNice",
          "CAPSTAN_AGENT_NICE",
          Optional.empty(),
          "10",
          ValueParsers::niceness,
          "CPU niceness of task agents, setup commands and git (0-19; 0 runs them at the"
              + " daemon's priority)");
  public static final Setting<Duration> HEALTH_INTERVAL =
      new Setting<>(
          "tasks.healthInterval",
          "CAPSTAN_TASK_HEALTH_INTERVAL",
          Optional.empty(),
          "60s",
          ValueParsers::duration,
          "how often the health loop looks for dead agents, orphan worktrees and stuck tasks");
  public static final Setting<Duration> WORKTREE_RETENTION =
      new Setting<>(
          "tasks.worktreeRetention",
          "CAPSTAN_WORKTREE_RETENTION",
          Optional.empty(),
          "7d",
          ValueParsers::duration,
          "worktrees of finished tasks older than this are removed by gc (branches are kept)");
  public static final Setting<String> COMMIT_AUTHOR_NAME =
      new Setting<>(
          "tasks.commitAuthorName",
          "CAPSTAN_COMMIT_AUTHOR_NAME",
          Optional.empty(),
          "Capstan",
          ValueParsers::line,
          "author and committer name of the commits Capstan makes");
  public static final Setting<String> COMMIT_AUTHOR_EMAIL =
      new Setting<>(
          "tasks.commitAuthorEmail",
          "CAPSTAN_COMMIT_AUTHOR_EMAIL",
          Optional.empty(),
          "capstan@localhost",
          ValueParsers::line,
          "author and committer email of the commits Capstan makes");
  public static final Setting<String> COMMIT_MESSAGE =
      new Setting<>(
          "tasks.commitMessage",
          "CAPSTAN_COMMIT_MESSAGE",
          Optional.empty(),
          "capstan: task {id} attempt {attempt}: {title}",
          ValueParsers::line,
          "commit message; {id}, {attempt}, {title} and {repo} are replaced");

  /** The LLM server's base URL when nothing configures it (LM Studio's default). */
  public static final String DEFAULT_LLM_URL = "http://localhost:1234/v1";

  public static final Setting<URI> LLM_URL =
      new Setting<>(
          "llm.url",
          "CAPSTAN_LLM_URL",
          Optional.empty(),
          DEFAULT_LLM_URL,
          ValueParsers::httpUrl,
          "base URL of the OpenAI-compatible LLM server (LM Studio, Ollama, vLLM, llama.cpp, MLX)");
  public static final Setting<String> LLM_MODEL =
      new Setting<>(
          "llm.model",
          "CAPSTAN_LLM_MODEL",
          Optional.empty(),
          "",
          ValueParsers::modelId,
          "model id to use; empty means the first model the server lists");
  public static final Setting<Duration> LLM_CONNECT_TIMEOUT =
      new Setting<>(
          "llm.connectTimeout",
          "CAPSTAN_LLM_CONNECT_TIMEOUT",
          Optional.empty(),
          "5s",
          ValueParsers::duration,
          "how long to wait for a TCP connection to the LLM server");
  public static final Setting<Duration> LLM_FIRST_TOKEN_TIMEOUT =
      new Setting<>(
          "llm.firstTokenTimeout",
          "CAPSTAN_LLM_FIRST_TOKEN_TIMEOUT",
          Optional.empty(),
          "120s",
          ValueParsers::duration,
          "how long to wait for the first token (local servers may load the model first)");
  public static final Setting<Duration> LLM_IDLE_TIMEOUT =
      new Setting<>(
          "llm.idleTimeout",
          "CAPSTAN_LLM_IDLE_TIMEOUT",
          Optional.empty(),
          "60s",
          ValueParsers::duration,
          "longest silence between two chunks of a streaming answer");
  public static final Setting<Duration> LLM_TOTAL_TIMEOUT =
      new Setting<>(
          "llm.totalTimeout",
          "CAPSTAN_LLM_TOTAL_TIMEOUT",
          Optional.empty(),
          "10m",
          ValueParsers::duration,
          "longest time one LLM request may take in all");
  public static final Setting<Integer> LLM_MAX_RETRIES =
      new Setting<>(
          "llm.maxRetries",
          "CAPSTAN_LLM_MAX_RETRIES",
          Optional.empty(),
          "2",
          ValueParsers::nonNegativeInt,
          "retries of a request that failed before its first token (never after)");
  public static final Setting<Duration> LLM_HEALTH_INTERVAL =
      new Setting<>(
          "llm.healthInterval",
          "CAPSTAN_LLM_HEALTH_INTERVAL",
          Optional.empty(),
          "30s",
          ValueParsers::duration,
          "how often the daemon checks the LLM server");

  public static final Setting<Duration> TOOLS_COMMAND_TIMEOUT =
      new Setting<>(
          "tools.commandTimeout",
          "CAPSTAN_TOOLS_COMMAND_TIMEOUT",
          Optional.empty(),
          "2m",
          ValueParsers::duration,
          "how long run_command may run before its process tree is killed");
  public static final Setting<Long> TOOLS_OUTPUT_MAX_BYTES =
      new Setting<>(
          "tools.outputMaxBytes",
          "CAPSTAN_TOOLS_OUTPUT_MAX_BYTES",
          Optional.empty(),
          "64KiB",
          ValueParsers::size,
          "largest tool output shown to the model (run_command, search, list_dir, git)");
  public static final Setting<Long> TOOLS_READ_MAX_BYTES =
      new Setting<>(
          "tools.readMaxBytes",
          "CAPSTAN_TOOLS_READ_MAX_BYTES",
          Optional.empty(),
          "256KiB",
          ValueParsers::size,
          "largest part of a file read_file returns");

  /**
   * The built-in tools with the default of their policy setting: read tools allow, write and
   * command tools ask.
   */
  public static final Map<String, ToolPolicy> BUILTIN_TOOL_DEFAULTS = builtinToolDefaults();

  /** One {@code tools.policy.<name>} setting per built-in tool. */
  public static final List<Setting<ToolPolicy>> TOOL_POLICIES =
      BUILTIN_TOOL_DEFAULTS.entrySet().stream()
          .map(entry -> toolPolicySetting(entry.getKey(), entry.getValue()))
          .toList();

  public static final Setting<Optional<Duration>> APPROVALS_TIMEOUT =
      new Setting<>(
          "approvals.timeout",
          "CAPSTAN_APPROVALS_TIMEOUT",
          Optional.empty(),
          "none",
          ValueParsers::optionalDuration,
          "how long a permission request waits for a decision; none waits until someone answers");
  public static final Setting<ApprovalSettings.TimeoutAction> APPROVALS_TIMEOUT_ACTION =
      new Setting<>(
          "approvals.timeoutAction",
          "CAPSTAN_APPROVALS_TIMEOUT_ACTION",
          Optional.empty(),
          "deny",
          ApprovalSettings.TimeoutAction::parse,
          "what an expired permission request does: deny (the call is refused) or cancel (the turn)");

  /** Every setting, in the order {@code capstan config show} prints them. */
  public static final List<Setting<?>> ALL =
      List.of(
          HOST,
          PORT,
          PORT_RANGE,
          START_TIMEOUT,
          SHUTDOWN_TIMEOUT,
          MAX_REQUEST_BYTES,
          LOG_LEVEL,
          LOG_MAX_FILE_SIZE,
          LOG_MAX_FILES,
          PROBE_TIMEOUT,
          OUTPUT_RETENTION,
          OUTPUT_MAX_BYTES,
          MAX_CONCURRENT,
          REPO_MAX_CONCURRENT,
          PROVISION_TIMEOUT,
          RUN_TIMEOUT,
          IDLE_TIMEOUT,
          AUTO_RETRY_LIMIT,
          RETRY_LIMIT,
          AGENT_NICE,
          HEALTH_INTERVAL,
          WORKTREE_RETENTION,
          COMMIT_AUTHOR_NAME,
          COMMIT_AUTHOR_EMAIL,
          COMMIT_MESSAGE,
          LLM_URL,
          LLM_MODEL,
          LLM_CONNECT_TIMEOUT,
          LLM_FIRST_TOKEN_TIMEOUT,
          LLM_IDLE_TIMEOUT,
          LLM_TOTAL_TIMEOUT,
          LLM_MAX_RETRIES,
          LLM_HEALTH_INTERVAL,
          TOOLS_COMMAND_TIMEOUT,
          TOOLS_OUTPUT_MAX_BYTES,
          TOOLS_READ_MAX_BYTES,
          TOOL_POLICIES.get(0),
          TOOL_POLICIES.get(1),
          TOOL_POLICIES.get(2),
          TOOL_POLICIES.get(3),
          TOOL_POLICIES.get(4),
          TOOL_POLICIES.get(5),
          TOOL_POLICIES.get(6),
          TOOL_POLICIES.get(7),
          APPROVALS_TIMEOUT,
          APPROVALS_TIMEOUT_ACTION);

  /**
   * The policy setting of a tool: {@code tools.policy.<name>}, {@code CAPSTAN_TOOLS_POLICY_<NAME>}.
   */
  public static Setting<ToolPolicy> toolPolicySetting(String toolName, ToolPolicy defaultPolicy) {
    return new Setting<>(
        "tools.policy." + toolName,
        "CAPSTAN_TOOLS_POLICY_" + toolName.toUpperCase(Locale.ROOT),
        Optional.empty(),
        defaultPolicy.wireName(),
        ToolPolicy::parse,
        "policy of the " + toolName + " tool: allow, ask or deny");
  }

  private static Map<String, ToolPolicy> builtinToolDefaults() {
    Map<String, ToolPolicy> defaults = new LinkedHashMap<>();
    for (String read : List.of("read_file", "list_dir", "search", "git_status", "git_diff")) {
      defaults.put(read, ToolPolicy.ALLOW);
    }
    for (String risky : List.of("write_file", "edit_file", "run_command")) {
      defaults.put(risky, ToolPolicy.ASK);
    }
    return Collections.unmodifiableMap(defaults);
  }

  public CapstanSettings {
    Objects.requireNonNull(daemon, "daemon");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(llm, "llm");
    Objects.requireNonNull(tools, "tools");
    Objects.requireNonNull(approvals, "approvals");
  }

  /**
   * Tasks: limits, timeouts, retries, health loop, worktree retention and commits.
   *
   * @param maxConcurrent global limit of provisioning + running tasks (a limit set with PUT
   *     /api/limits overrides it)
   * @param repoMaxConcurrent default per-repo limit
   * @param provisionTimeout default provisioning deadline
   * @param runTimeout default run deadline
   * @param idleTimeout default no-output deadline
   * @param autoRetryLimit automatic re-queues of an interrupted task before it fails
   * @param retryLimit retries, restarts and redos a person may ask for per task
   * @param agentNice CPU niceness of agents, setup commands and git, so the daemon stays responsive
   *     when they saturate the CPU (0: the daemon's own)
   * @param healthInterval period of the health loop
   * @param worktreeRetention age after which gc removes worktrees of finished tasks
   * @param commitAuthorName author of Capstan's commits
   * @param commitAuthorEmail author email of Capstan's commits
   * @param commitMessage message template: {id}, {attempt}, {title}, {repo}
   */
  public record TaskSettings(
      int maxConcurrent,
      int repoMaxConcurrent,
      Duration provisionTimeout,
      Duration runTimeout,
      Duration idleTimeout,
      int autoRetryLimit,
      int retryLimit,
      int agentNice,
      Duration healthInterval,
      Duration worktreeRetention,
      String commitAuthorName,
      String commitAuthorEmail,
      String commitMessage) {
    /** The defaults, as a user would get them without any configuration. */
    public static final TaskSettings DEFAULTS =
        new TaskSettings(
            5,
            2,
            Duration.ofMinutes(10),
            Duration.ofHours(2),
            Duration.ofMinutes(30),
            3,
            5,
            10,
            Duration.ofSeconds(60),
            Duration.ofDays(7),
            "Capstan",
            "capstan@localhost",
            "capstan: task {id} attempt {attempt}: {title}");

    public TaskSettings {
      if (maxConcurrent < 1 || repoMaxConcurrent < 1) {
        throw new IllegalArgumentException("concurrency limits must be >= 1");
      }
      if (autoRetryLimit < 0 || retryLimit < 0) {
        throw new IllegalArgumentException("retry limits must be >= 0");
      }
      if (agentNice < 0 || agentNice > 19) {
        throw new IllegalArgumentException("agentNice must be between 0 and 19");
      }
      Objects.requireNonNull(provisionTimeout, "provisionTimeout");
      Objects.requireNonNull(runTimeout, "runTimeout");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(healthInterval, "healthInterval");
      Objects.requireNonNull(worktreeRetention, "worktreeRetention");
      Objects.requireNonNull(commitAuthorName, "commitAuthorName");
      Objects.requireNonNull(commitAuthorEmail, "commitAuthorEmail");
      Objects.requireNonNull(commitMessage, "commitMessage");
    }
  }

  /**
   * The OpenAI-compatible LLM server. The API key is not part of the settings (it is a secret): see
   * {@code dev.capstan.llm.LlmApiKey}.
   *
   * @param url base URL, for example {@code http://localhost:1234/v1}
   * @param model model id, empty for "the first model the server lists"
   * @param connectTimeout TCP connect deadline
   * @param firstTokenTimeout deadline for the first token of an answer
   * @param idleTimeout longest silence between two chunks
   * @param totalTimeout deadline of a whole request
   * @param maxRetries retries before the first token
   * @param healthInterval period of the health check
   */
  public record LlmSettings(
      URI url,
      Optional<String> model,
      Duration connectTimeout,
      Duration firstTokenTimeout,
      Duration idleTimeout,
      Duration totalTimeout,
      int maxRetries,
      Duration healthInterval) {

    /** Defaults with another URL: for tests and tools. */
    public static LlmSettings defaults(URI url) {
      return new LlmSettings(
          url,
          Optional.empty(),
          Duration.ofSeconds(5),
          Duration.ofSeconds(120),
          Duration.ofSeconds(60),
          Duration.ofMinutes(10),
          2,
          Duration.ofSeconds(30));
    }

    public LlmSettings {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(firstTokenTimeout, "firstTokenTimeout");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(totalTimeout, "totalTimeout");
      Objects.requireNonNull(healthInterval, "healthInterval");
      model = model.filter(name -> !name.isBlank());
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
      }
    }
  }

  /**
   * Tool policies and limits.
   *
   * @param policies configured policy per tool name (every built-in tool has one)
   * @param commandTimeout run_command deadline
   * @param outputMaxBytes largest tool output shown to the model
   * @param readMaxBytes largest part of a file read_file returns
   */
  public record ToolSettings(
      Map<String, ToolPolicy> policies,
      Duration commandTimeout,
      long outputMaxBytes,
      long readMaxBytes) {
    public ToolSettings {
      policies = Map.copyOf(policies);
      Objects.requireNonNull(commandTimeout, "commandTimeout");
      if (outputMaxBytes < 1 || readMaxBytes < 1) {
        throw new IllegalArgumentException("tool output limits must be >= 1");
      }
    }
  }

  /**
   * Retention of the event log.
   *
   * @param outputRetention output chunks older than this are deleted
   * @param outputMaxBytesPerStream and beyond this much output per stream the oldest go
   */
  public record EventSettings(Duration outputRetention, long outputMaxBytesPerStream) {
    public EventSettings {
      Objects.requireNonNull(outputRetention, "outputRetention");
      if (outputMaxBytesPerStream < 1) {
        throw new IllegalArgumentException(
            "outputMaxBytesPerStream must be >= 1, was " + outputMaxBytesPerStream);
      }
    }
  }

  /**
   * Daemon listener and lifecycle.
   *
   * @param host bind address
   * @param port preferred port (0 = any)
   * @param portRange fallback ports
   * @param startTimeout how long a client waits for a new daemon
   * @param shutdownTimeout graceful-shutdown deadline
   */
  public record DaemonSettings(
      String host, int port, PortRange portRange, Duration startTimeout, Duration shutdownTimeout) {
    public DaemonSettings {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(portRange, "portRange");
      Objects.requireNonNull(startTimeout, "startTimeout");
      Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }
  }

  /**
   * HTTP limits.
   *
   * @param maxRequestBytes largest request body
   */
  public record HttpSettings(long maxRequestBytes) {
    public HttpSettings {
      if (maxRequestBytes < 1) {
        throw new IllegalArgumentException("maxRequestBytes must be >= 1, was " + maxRequestBytes);
      }
    }
  }

  /**
   * The structured log.
   *
   * @param level threshold
   * @param maxFileBytes rotation size
   * @param maxFiles rotated files kept
   */
  public record LogSettings(String level, long maxFileBytes, int maxFiles) {
    public LogSettings {
      Objects.requireNonNull(level, "level");
    }
  }

  /**
   * The CLI side.
   *
   * @param probeTimeout health probe timeout
   */
  public record ClientSettings(Duration probeTimeout) {
    public ClientSettings {
      Objects.requireNonNull(probeTimeout, "probeTimeout");
    }
  }
}
