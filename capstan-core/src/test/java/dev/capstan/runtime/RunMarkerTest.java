package dev.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunMarkerTest {

  @Test
  void a_marker_round_trips_through_its_environment_value() {
    RunMarker marker = new RunMarker(RunMarker.homeHash(Path.of("/home/me/.capstan")), 42, 3);

    assertThat(RunMarker.parse(marker.value())).contains(marker);
    assertThat(marker.value()).matches("[0-9a-f]{16}/42/3");
  }

  @Test
  void homes_hash_differently_and_stably() {
    String one = RunMarker.homeHash(Path.of("/home/me/.capstan"));

    assertThat(RunMarker.homeHash(Path.of("/home/me/./.capstan"))).isEqualTo(one);
    assertThat(RunMarker.homeHash(Path.of("/home/you/.capstan"))).isNotEqualTo(one);
  }

  @Test
  void anything_else_is_not_a_marker() {
    assertThat(RunMarker.parse("")).isEmpty();
    assertThat(RunMarker.parse("0123456789abcdef/0/1")).isEmpty();
    assertThat(RunMarker.parse("0123456789abcdef/1/1/extra")).isEmpty();
    assertThat(RunMarker.parse("0123456789ABCDEF/1/1")).isEmpty();
    assertThat(RunMarker.parse("0123456789abcdef/99999999999999999999/1")).isEmpty();
  }
}
