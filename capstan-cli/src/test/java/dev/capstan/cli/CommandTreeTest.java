package dev.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandTreeTest {
  @Test
  void every_subcommand_is_listed_under_the_name_its_annotation_gives() {
    for (Map.Entry<Class<?>, List<CommandTree.Child>> entry : CommandTree.table().entrySet()) {
      for (CommandTree.Child child : entry.getValue()) {
        assertThat(child.name())
            .as("name of %s under %s", child.type().getName(), entry.getKey().getSimpleName())
            .isEqualTo(child.type().getAnnotation(Command.class).name());
      }
    }
  }

  @Test
  void only_the_addressed_branch_is_built_but_help_sees_every_command() {
    CommandLine narrow = root();
    CommandTree.addSubcommands(narrow, CapstanCommand.class, new String[] {"daemon", "status"}, 0);
    CommandLine full = root();
    CommandTree.addSubcommands(full, CapstanCommand.class, new String[] {"no-such-command"}, 0);

    assertThat(narrow.getSubcommands()).containsOnlyKeys("daemon");
    assertThat(narrow.getSubcommands().get("daemon").getSubcommands()).containsOnlyKeys("status");
    assertThat(full.getSubcommands())
        .containsKeys("daemon", "task", "session", "doctor", "help")
        .hasSize(CommandTree.table().get(CapstanCommand.class).size());
  }

  private static CommandLine root() {
    return new CommandLine(CapstanCommand.class, new RootFactory());
  }

  /** Builds the root command without a real CLI context; its constructor only stores it. */
  private static final class RootFactory implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == CapstanCommand.class) {
        return type.cast(new CapstanCommand(null));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}
