package dev.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiffstatTest {

  @Test
  void git_shortstat_lines_are_parsed_in_every_form() {
    assertThat(Diffstat.parseShortstat(" 3 files changed, 10 insertions(+), 2 deletions(-)\n"))
        .isEqualTo(new Diffstat(3, 10, 2));
    assertThat(Diffstat.parseShortstat(" 1 file changed, 1 insertion(+)"))
        .isEqualTo(new Diffstat(1, 1, 0));
    assertThat(Diffstat.parseShortstat(" 1 file changed, 4 deletions(-)"))
        .isEqualTo(new Diffstat(1, 0, 4));
    assertThat(Diffstat.parseShortstat("")).isEqualTo(Diffstat.EMPTY);
  }
}
