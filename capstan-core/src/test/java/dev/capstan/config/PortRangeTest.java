package dev.capstan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class PortRangeTest {

  @Property
  void to_string_and_parse_round_trip(
      @ForAll @IntRange(min = 1, max = 65_535) int a,
      @ForAll @IntRange(min = 1, max = 65_535) int b) {
    PortRange range = new PortRange(Math.min(a, b), Math.max(a, b));

    PortRange parsed = PortRange.parse(range.toString());

    assertThat(parsed).isEqualTo(range);
  }

  @Property
  void a_single_port_is_a_range_of_one(@ForAll @IntRange(min = 1, max = 65_535) int port) {
    PortRange range = PortRange.parse(Integer.toString(port));

    assertThat(range).isEqualTo(new PortRange(port, port));
    assertThat(range.ports().toArray()).containsExactly(port);
  }

  @Property
  void ports_lists_every_port_in_ascending_order(
      @ForAll @IntRange(min = 1, max = 65_000) int first,
      @ForAll @IntRange(min = 0, max = 535) int width) {
    PortRange range = new PortRange(first, first + width);

    int[] ports = range.ports().toArray();

    assertThat(ports).hasSize(width + 1).isSorted();
    assertThat(ports[0]).isEqualTo(first);
    assertThat(ports[ports.length - 1]).isEqualTo(first + width);
  }

  @Property
  void a_range_reaching_outside_1_to_65535_is_rejected(
      @ForAll @IntRange(min = -100_000, max = 100_000) int first,
      @ForAll @IntRange(min = -100_000, max = 100_000) int last) {
    Assume.that(first < 1 || last > 65_535);

    assertThatThrownBy(() -> new PortRange(first, last))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1-65535");
    assertThatThrownBy(() -> PortRange.parse(first + "-" + last))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void a_reversed_range_is_rejected(
      @ForAll @IntRange(min = 1, max = 65_535) int a,
      @ForAll @IntRange(min = 1, max = 65_535) int b) {
    Assume.that(a != b);

    assertThatThrownBy(() -> PortRange.parse(Math.max(a, b) + "-" + Math.min(a, b)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FIRST <= LAST");
  }

  @Example
  void spaces_around_the_parts_are_allowed() {
    assertThat(PortRange.parse(" 7424 - 7443 ")).isEqualTo(new PortRange(7424, 7443));
  }

  @Example
  void text_that_is_not_a_range_is_rejected_with_an_example() {
    for (String text :
        new String[] {"", "-", "a-b", "7424-", "-7443", "7424-7430-7443", "7424..7443"}) {
      assertThatThrownBy(() -> PortRange.parse(text))
          .as("parse(\"%s\")", text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("7424-7443");
    }
  }
}
