package dev.capstan.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TurnMarkerTest {
  private static final String HASH = "0123456789abcdef";

  @Test
  void a_marker_reads_back_from_its_value() {
    TurnMarker marker = new TurnMarker(HASH, "t_6r6pxc3zthf5");

    assertThat(marker.value()).isEqualTo(HASH + "/turn/t_6r6pxc3zthf5");
    assertThat(TurnMarker.parse(marker.value())).contains(marker);
  }

  @Test
  void task_markers_and_garbage_are_not_turn_markers_and_turn_markers_are_not_task_markers() {
    String task = new RunMarker(HASH, 12, 1).value();
    String turn = new TurnMarker(HASH, "t_1").value();

    assertThat(TurnMarker.parse(task)).isEmpty();
    assertThat(RunMarker.parse(turn)).isEmpty();
    assertThat(TurnMarker.parse(null)).isEmpty();
    assertThat(TurnMarker.parse("")).isEmpty();
    assertThat(TurnMarker.parse(HASH + "/turn/")).isEmpty();
    assertThat(TurnMarker.parse(HASH + "/turn/a/b")).isEmpty();
    assertThat(TurnMarker.parse("0123456789ABCDEF/turn/t_1")).isEmpty();
    assertThat(TurnMarker.parse(HASH + "/turn/t 1")).isEmpty();
  }

  @Test
  void a_bad_hash_or_turn_id_is_refused() {
    assertThatThrownBy(() -> new TurnMarker("abc", "t_1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TurnMarker(HASH, "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
