package dev.capstan.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.error.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandAgentTest {
  private final CommandAgent agent = new CommandAgent();

  @Test
  void only_the_users_command_goes_to_the_shell_and_the_prompt_stays_out_of_argv() {
    String prompt = "fix it; $(rm -rf /) `id` \"quoted\"";
    AgentContext context =
        new AgentContext(
            new AgentTask(1, 1, prompt, Optional.of("make fmt")), Path.of("/w"), Path.of("/p"));

    AgentLaunch launch = agent.launch(context);

    assertThat(launch.argv()).containsExactly("/bin/sh", "-c", "make fmt");
    assertThat(launch.env()).isEmpty();
    assertThat(String.join(" ", launch.argv())).doesNotContain("rm -rf");
  }

  @Test
  void a_task_without_a_command_is_refused_with_a_hint_naming_the_fix() {
    AgentTask task = new AgentTask(1, 1, "p", Optional.of("  "));

    assertThatThrownBy(() -> agent.validate(task))
        .isInstanceOf(MissingCommand.class)
        .satisfies(e -> assertThat(((MissingCommand) e).code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .satisfies(e -> assertThat(((MissingCommand) e).hint()).contains("--command"));
  }

  @Test
  void every_output_line_is_a_text_entry() {
    assertThat(agent.parse("hello")).containsExactly(new AgentEntry.Text("hello"));
  }

  @Test
  void the_registry_finds_agents_by_name_and_names_the_known_ones_for_an_unknown() {
    AgentRegistry registry = AgentRegistry.builtIn();

    assertThat(registry.require("command")).isInstanceOf(CommandAgent.class);
    assertThat(registry.find("codex")).isEmpty();
    assertThatThrownBy(() -> registry.require("codex"))
        .isInstanceOf(UnknownAgent.class)
        .satisfies(e -> assertThat(((UnknownAgent) e).code()).isEqualTo(ErrorCode.UNKNOWN_AGENT))
        .satisfies(e -> assertThat(((UnknownAgent) e).hint()).contains("command"));
    assertThatThrownBy(() -> AgentRegistry.of(List.of(agent, new CommandAgent())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
