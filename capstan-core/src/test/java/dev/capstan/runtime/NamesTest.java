package dev.capstan.runtime;

import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.error.ErrorCode;
import dev.capstan.testing.Generator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "acme",
        "web-app",
        "api_v2",
        "A.b",
        "0",
        "x1234567890123456789012345678901234567890123456789012345678901"
      })
  void ordinary_names_are_valid(String name) {
    assertThat(Names.requireValidName("repo", name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "..",
        "a..b",
        ".hidden",
        "-rf",
        "_x",
        "a/b",
        "a b",
        "a;b",
        "$(id)",
        "`id`",
        "a\nb",
        "ä",
        "x12345678901234567890123456789012345678901234567890123456789012345"
      })
  void hostile_names_are_refused_with_invalid_name(String name) {
    assertThatThrownBy(() -> Names.requireValidName("repo", name))
        .isInstanceOf(InvalidName.class)
        .satisfies(e -> assertThat(((InvalidName) e).code()).isEqualTo(ErrorCode.INVALID_NAME))
        .hasMessageNotContaining("\n");
  }

  @Test
  void a_valid_name_never_leaves_its_directory_as_a_path_segment() {
    Path parent = Path.of("/home/capstan/worktrees");
    Generator<String> names = Generator.strings("abz09._-/\\ ;$`'\"\n", 1, 70);

    forAll(
        5_000,
        names,
        name -> {
          if (Names.isValid(name)) {
            Path resolved = parent.resolve(name).normalize();
            assertThat(resolved.getParent()).isEqualTo(parent);
            assertThat(name).doesNotStartWith("-").doesNotContain("..", "/", " ");
          }
        });
  }
}
