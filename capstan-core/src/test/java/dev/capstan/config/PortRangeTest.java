package dev.capstan.config;

import static dev.capstan.testing.Generator.combine;
import static dev.capstan.testing.Generator.ints;
import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.testing.Generator;
import org.junit.jupiter.api.Test;

class PortRangeTest {
  private static final Generator<Integer> PORTS = ints(1, 65_535);

  /** Two ports in either order. */
  private record Pair(int a, int b) {}

  /** The first and last port of a range, each possibly out of bounds. */
  private record Bounds(int first, int last) {}

  /** The first port of a range and how many ports follow it. */
  private record Span(int first, int width) {}

  @Test
  void to_string_and_parse_round_trip() {
    forAll(
        1_000,
        combine(PORTS, PORTS, Pair::new),
        pair -> {
          PortRange range =
              new PortRange(Math.min(pair.a(), pair.b()), Math.max(pair.a(), pair.b()));

          PortRange parsed = PortRange.parse(range.toString());

          assertThat(parsed).isEqualTo(range);
        });
  }

  @Test
  void a_single_port_is_a_range_of_one() {
    forAll(
        1_000,
        PORTS,
        port -> {
          PortRange range = PortRange.parse(Integer.toString(port));

          assertThat(range).isEqualTo(new PortRange(port, port));
          assertThat(range.ports().toArray()).containsExactly(port);
        });
  }

  @Test
  void ports_lists_every_port_in_ascending_order() {
    forAll(
        1_000,
        combine(ints(1, 65_000), ints(0, 535), Span::new),
        span -> {
          int first = span.first();
          int width = span.width();
          PortRange range = new PortRange(first, first + width);

          int[] ports = range.ports().toArray();

          assertThat(ports).hasSize(width + 1).isSorted();
          assertThat(ports[0]).isEqualTo(first);
          assertThat(ports[ports.length - 1]).isEqualTo(first + width);
        });
  }

  @Test
  void a_range_reaching_outside_1_to_65535_is_rejected() {
    Generator<Integer> numbers = ints(-100_000, 100_000);
    Generator<Bounds> outside =
        combine(numbers, numbers, Bounds::new)
            .filter(bounds -> bounds.first() < 1 || bounds.last() > 65_535);

    forAll(
        1_000,
        outside,
        bounds -> {
          assertThatThrownBy(() -> new PortRange(bounds.first(), bounds.last()))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("1-65535");
          assertThatThrownBy(() -> PortRange.parse(bounds.first() + "-" + bounds.last()))
              .isInstanceOf(IllegalArgumentException.class);
        });
  }

  @Test
  void a_reversed_range_is_rejected() {
    Generator<Pair> distinct =
        combine(PORTS, PORTS, Pair::new).filter(pair -> pair.a() != pair.b());

    forAll(
        1_000,
        distinct,
        pair -> {
          int high = Math.max(pair.a(), pair.b());
          int low = Math.min(pair.a(), pair.b());

          assertThatThrownBy(() -> PortRange.parse(high + "-" + low))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("FIRST <= LAST");
        });
  }

  @Test
  void spaces_around_the_parts_are_allowed() {
    assertThat(PortRange.parse(" 7424 - 7443 ")).isEqualTo(new PortRange(7424, 7443));
  }

  @Test
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
