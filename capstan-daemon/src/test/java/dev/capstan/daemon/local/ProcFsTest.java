package dev.capstan.daemon.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcFsTest {
  private static final String TAIL =
      " 0 0 0 0 20 0 1 0 4242 1024 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

  private static ProcFs.Stat parse(String line) {
    return ProcFs.Stat.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void reads_state_group_and_start_time() {
    ProcFs.Stat stat = parse("1234 (sleep) S 1 1200 1200 0 -1 4194304 100 0 0 0" + TAIL);

    assertThat(stat).isEqualTo(new ProcFs.Stat('S', 1200, 4242));
    assertThat(stat.alive()).isTrue();
  }

  @Test
  void a_command_with_spaces_and_parentheses_does_not_shift_the_fields() {
    ProcFs.Stat stat =
        parse("77 (evil) S 1 2 3 (x) Z) R 5 6600 6600 0 -1 4194304 100 0 0 0" + TAIL);

    assertThat(stat).isEqualTo(new ProcFs.Stat('R', 6600, 4242));
  }

  @Test
  void zombies_count_as_gone() {
    assertThat(parse("9 (sh) Z 1 9 9 0 -1 4194304 100 0 0 0" + TAIL).alive()).isFalse();
  }

  @Test
  void a_cut_or_malformed_line_is_unreadable() {
    assertThat(parse("")).isNull();
    assertThat(parse("12 (sh")).isNull();
    assertThat(parse("12 (sh) S 1 9")).isNull();
    assertThat(parse("12 (sh) S 1 x9 9 0 -1 4194304 100 0 0 0" + TAIL)).isNull();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void this_jvm_is_alive_in_its_own_group() {
    long self = ProcessHandle.current().pid();

    assertThat(ProcFs.system().processGroup(self)).isPresent();
  }
}
