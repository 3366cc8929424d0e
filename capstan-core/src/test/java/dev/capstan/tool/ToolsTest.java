package dev.capstan.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.json.Json;
import dev.capstan.llm.ToolCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ToolsTest {
  @TempDir Path temp;
  private Path root;
  private Path outside;
  private final ToolRegistry registry = ToolRegistry.builtin();
  private ToolContext context;

  @BeforeEach
  void workspace() throws IOException {
    root = Files.createDirectories(temp.resolve("ws"));
    outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "top secret");
    Files.writeString(root.resolve("a.txt"), "hello\nworld\n");
    Files.createDirectories(root.resolve("src"));
    Files.writeString(root.resolve("src/Main.java"), "class Main { int x = 1; }\n");
    Files.createSymbolicLink(root.resolve("out-file"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("out-dir"), outside);
    Files.createSymbolicLink(root.resolve("dangling"), temp.resolve("nowhere"));
    Files.createSymbolicLink(root.resolve("in-link"), root.resolve("a.txt"));
    context = contextWith(ToolLimits.DEFAULTS);
  }

  private ToolContext contextWith(ToolLimits limits) {
    return new ToolContext(Workspace.open(root), limits, new CancelToken());
  }

  private ToolResult call(String tool, String argumentsJson) {
    return registry.invoke(new ToolCall("c1", tool, argumentsJson), context);
  }

  private static String args(Object... keyValues) {
    var node = Json.mapper().createObjectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      node.put((String) keyValues[i], (String) keyValues[i + 1]);
    }
    return node.toString();
  }

  static Stream<String> escapingPaths() {
    return Stream.of(
        "../outside/secret.txt",
        "src/../../outside/secret.txt",
        "/etc/passwd",
        "~/secret",
        "out-file",
        "out-dir/secret.txt",
        "out-dir/new.txt",
        "out-dir/deep/new.txt",
        "dangling",
        "dangling/x.txt");
  }

  @ParameterizedTest
  @MethodSource("escapingPaths")
  void read_file_refuses_paths_that_escape(String path) {
    ToolResult result = call("read_file", args("path", path));

    assertThat(result.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(result.content()).doesNotContain("top secret");
    assertThat(result.content()).containsAnyOf("Refused path", "No such file");
  }

  @ParameterizedTest
  @MethodSource("escapingPaths")
  void list_dir_and_search_refuse_paths_that_escape(String path) {
    ToolResult list = call("list_dir", args("path", path));
    ToolResult search = call("search", args("pattern", "secret", "path", path));

    assertThat(list.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(list.content().lines()).doesNotContain("secret.txt");
    assertThat(search.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(search.content()).doesNotContain("top secret");
  }

  @ParameterizedTest
  @MethodSource("escapingPaths")
  void write_file_and_edit_file_refuse_paths_that_escape(String path) throws IOException {
    ToolResult write = call("write_file", args("path", path, "content", "pwned"));
    ToolResult edit = call("edit_file", args("path", path, "old", "top", "new", "pwned"));

    assertThat(write.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(write.content()).contains("Refused path");
    assertThat(edit.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("top secret");
    try (Stream<Path> files = Files.walk(outside)) {
      assertThat(files.filter(Files::isRegularFile).toList())
          .containsExactly(outside.resolve("secret.txt"));
    }
    assertThat(temp.resolve("nowhere")).doesNotExist();
  }

  @Test
  void a_symlink_that_stays_inside_is_followed() {
    assertThat(call("read_file", args("path", "in-link")).content()).isEqualTo("hello\nworld\n");
  }

  @Test
  void search_does_not_follow_symlinks_out_of_the_workspace() {
    ToolResult result = call("search", args("pattern", "secret"));

    assertThat(result.content()).isEqualTo("No matches.");
  }

  @Test
  void read_file_reads_text_and_cuts_large_files() throws IOException {
    Files.writeString(root.resolve("big.txt"), "x".repeat(5000));
    context = contextWith(new ToolLimits(1000, 1000, 10, Duration.ofSeconds(5)));

    ToolResult result = call("read_file", args("path", "big.txt"));

    assertThat(result.truncated()).isTrue();
    assertThat(result.content()).startsWith("x".repeat(1000)).contains("first 1000 of 5000 bytes");
  }

  @Test
  void read_file_refuses_binary_files() throws IOException {
    Files.write(root.resolve("blob.bin"), new byte[] {1, 2, 0, 3});

    ToolResult result = call("read_file", args("path", "blob.bin"));

    assertThat(result.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(result.content()).contains("binary");
  }

  @Test
  void list_dir_marks_directories_and_links() {
    ToolResult result = call("list_dir", "{}");

    assertThat(result.content().lines().toList())
        .contains("a.txt", "src/", "out-file@", "out-dir@", "dangling@");
  }

  @Test
  void search_finds_regex_matches_skips_git_and_caps_matches() throws IOException {
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), "hello from git");
    Files.writeString(root.resolve("many.txt"), "hit\n".repeat(50));
    context = contextWith(new ToolLimits(1000, 100_000, 5, Duration.ofSeconds(5)));

    ToolResult hello = call("search", args("pattern", "hel+o"));
    ToolResult many = call("search", args("pattern", "hit"));
    ToolResult literal = call("search", args("pattern", "x = 1;(", "path", "src"));

    assertThat(hello.content()).isEqualTo("a.txt:1: hello");
    assertThat(many.content().lines().filter(line -> line.startsWith("many.txt")).count())
        .isEqualTo(5);
    assertThat(many.truncated()).isTrue();
    assertThat(literal.content()).contains("plain text").doesNotContain("src/Main.java:1");
  }

  @Test
  void write_file_creates_parent_directories_inside_the_workspace() throws IOException {
    ToolResult result = call("write_file", args("path", "new/deep/file.txt", "content", "hi"));

    assertThat(result.isOk()).isTrue();
    assertThat(Files.readString(root.resolve("new/deep/file.txt"))).isEqualTo("hi");
  }

  @Test
  void edit_file_replaces_exactly_one_occurrence() throws IOException {
    ToolResult result = call("edit_file", args("path", "a.txt", "old", "world", "new", "there"));

    assertThat(result.isOk()).isTrue();
    assertThat(Files.readString(root.resolve("a.txt"))).isEqualTo("hello\nthere\n");
  }

  @Test
  void edit_file_refuses_ambiguous_and_missing_matches_and_changes_nothing() throws IOException {
    Files.writeString(root.resolve("dup.txt"), "x = 1\nx = 1\n");

    ToolResult ambiguous = call("edit_file", args("path", "dup.txt", "old", "x = 1", "new", "y"));
    ToolResult missing = call("edit_file", args("path", "dup.txt", "old", "z", "new", "y"));

    assertThat(ambiguous.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(ambiguous.content()).contains("occurs 2 times");
    assertThat(missing.content()).contains("does not occur");
    assertThat(Files.readString(root.resolve("dup.txt"))).isEqualTo("x = 1\nx = 1\n");
  }

  @Test
  void run_command_runs_in_the_workspace_without_capstan_secrets() {
    ToolResult result =
        call("run_command", args("command", "pwd; echo key=${CAPSTAN_LLM_API_KEY:-none}; exit 3"));

    assertThat(result.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(result.content())
        .contains(root.toString())
        .contains("key=none")
        .contains("[exit code 3]");
  }

  @Test
  void run_command_carries_the_context_variables_but_keeps_its_own_path() {
    context =
        new ToolContext(
            Workspace.open(root),
            ToolLimits.DEFAULTS,
            new CancelToken(),
            java.util.Map.of("CAPSTAN_RUN_MARKER", "0123456789abcdef/7/1", "PATH", "/nowhere"));

    ToolResult result =
        call("run_command", args("command", "echo marker=$CAPSTAN_RUN_MARKER path=$PATH"));

    assertThat(result.outcome()).isEqualTo(ToolOutcome.OK);
    assertThat(result.content())
        .contains("marker=0123456789abcdef/7/1")
        .doesNotContain("path=/nowhere");
  }

  @Test
  void a_context_refuses_a_variable_name_a_shell_could_not_carry() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new ToolContext(
                    Workspace.open(root),
                    ToolLimits.DEFAULTS,
                    new CancelToken(),
                    java.util.Map.of("A=B", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void run_command_caps_its_output() {
    context = contextWith(new ToolLimits(1000, 100, 10, Duration.ofSeconds(10)));

    ToolResult result = call("run_command", args("command", "yes | head -c 100000"));

    assertThat(result.truncated()).isTrue();
    assertThat(result.content()).contains("output cut");
    assertThat(result.content().length()).isLessThan(300);
  }

  @Test
  void run_command_timeout_kills_the_grandchild_too() throws IOException {
    context = contextWith(new ToolLimits(1000, 10_000, 10, Duration.ofMillis(700)));
    Path pidFile = root.resolve("grandchild.pid");

    ToolResult result =
        call(
            "run_command",
            args("command", "sh -c 'sleep 300 & echo $! > grandchild.pid; wait' ; true"));

    assertThat(result.outcome()).isEqualTo(ToolOutcome.TIMEOUT);
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
  }

  @Test
  void cancel_stops_a_running_command() {
    CancelToken cancel = new CancelToken();
    context = new ToolContext(Workspace.open(root), ToolLimits.DEFAULTS, cancel);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              cancel.cancel();
            });
    long start = System.nanoTime();

    ToolResult result = call("run_command", args("command", "sleep 60"));

    assertThat(result.outcome()).isEqualTo(ToolOutcome.CANCELLED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void git_status_and_diff_report_the_workspace() throws Exception {
    git("init", "-q");
    git(
        "-c",
        "user.email=t@example.com",
        "-c",
        "user.name=t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "init");
    git("add", "a.txt");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "a");
    Files.writeString(root.resolve("a.txt"), "hello\nchanged\n");

    ToolResult status = call("git_status", "{}");
    ToolResult diff = call("git_diff", "{}");

    assertThat(status.content()).contains(" M a.txt");
    assertThat(diff.content()).contains("-world").contains("+changed");
  }

  @Test
  void git_tools_outside_a_repository_say_so() {
    ToolResult status = call("git_status", "");

    assertThat(status.outcome()).isEqualTo(ToolOutcome.ERROR);
    assertThat(status.content()).contains("git failed");
  }

  @Test
  void unknown_tools_and_bad_arguments_are_errors_for_the_model() {
    assertThat(call("rm_rf", "{}").content()).contains("Unknown tool").contains("read_file");
    assertThat(call("read_file", "not json").content()).contains("not a JSON object");
    assertThat(call("read_file", "{}").content()).contains("missing required argument 'path'");
    assertThat(call("read_file", "{\"path\":7}").content()).contains("must be a string");
  }

  @Test
  void every_builtin_tool_has_an_object_schema_and_a_policy_setting() {
    assertThat(registry.names())
        .containsExactly(
            "read_file",
            "list_dir",
            "search",
            "write_file",
            "edit_file",
            "run_command",
            "git_status",
            "git_diff");
    for (Tool tool : registry.all()) {
      assertThat(tool.schema().path("type").asText()).isEqualTo("object");
      assertThat(dev.capstan.config.CapstanSettings.BUILTIN_TOOL_DEFAULTS.get(tool.name()))
          .isEqualTo(tool.risk().defaultPolicy());
    }
  }

  @Test
  void effective_policy_follows_defaults_config_and_session_with_config_deny_final() {
    Tool read = registry.find("read_file").orElseThrow();
    Tool run = registry.find("run_command").orElseThrow();

    assertThat(ToolPolicies.effectivePolicy(read, Map.of(), Map.of()))
        .isEqualTo(new EffectivePolicy(ToolPolicy.ALLOW, PolicySource.DEFAULT));
    assertThat(ToolPolicies.effectivePolicy(run, Map.of(), Map.of()))
        .isEqualTo(new EffectivePolicy(ToolPolicy.ASK, PolicySource.DEFAULT));
    assertThat(ToolPolicies.effectivePolicy(run, Map.of("run_command", ToolPolicy.ALLOW), Map.of()))
        .isEqualTo(new EffectivePolicy(ToolPolicy.ALLOW, PolicySource.CONFIG));
    assertThat(
            ToolPolicies.effectivePolicy(
                run,
                Map.of("run_command", ToolPolicy.ASK),
                Map.of("run_command", ToolPolicy.ALLOW)))
        .isEqualTo(new EffectivePolicy(ToolPolicy.ALLOW, PolicySource.SESSION));
    assertThat(
            ToolPolicies.effectivePolicy(
                run,
                Map.of("run_command", ToolPolicy.DENY),
                Map.of("run_command", ToolPolicy.ALLOW)))
        .isEqualTo(new EffectivePolicy(ToolPolicy.DENY, PolicySource.CONFIG));
    assertThat(ToolPolicies.effectivePolicy(read, Map.of(), Map.of("read_file", ToolPolicy.DENY)))
        .isEqualTo(new EffectivePolicy(ToolPolicy.DENY, PolicySource.SESSION));
  }

  @Test
  void a_workspace_must_be_an_existing_directory() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Workspace.open(root.resolve("nope")))
        .isInstanceOf(WorkspaceInvalid.class)
        .hasMessageContaining("does not exist");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Workspace.open(root.resolve("a.txt")))
        .isInstanceOf(WorkspaceInvalid.class)
        .hasMessageContaining("not a directory");
  }

  private void git(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", root.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }
}
