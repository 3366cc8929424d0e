package dev.capstan.config;

import static dev.capstan.testing.Generator.combine;
import static dev.capstan.testing.Generator.ints;
import static dev.capstan.testing.Generator.longs;
import static dev.capstan.testing.Generator.strings;
import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.testing.Generator;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {
  private static final String DIGITS = "0123456789";

  /** Every char that {@link Character#isWhitespace(char)} holds for. */
  private static final String WHITESPACE =
      IntStream.rangeClosed(Character.MIN_VALUE, Character.MAX_VALUE)
          .filter(Character::isWhitespace)
          .mapToObj(Character::toString)
          .collect(Collectors.joining());

  private static final Generator<String> DURATION_UNITS = Generator.of("ms", "s", "m", "h", "d");
  private static final Generator<String> SIZE_UNITS =
      Generator.of("", "b", "kb", "KiB", "MB", "mib", "gb", "GiB");

  /** A number and a unit, as a value would be written. */
  private record Amount(long amount, String unit) {}

  /** Digits of any length and a unit. */
  private record Digits(String digits, String unit) {}

  /** Every parser of configuration text. */
  private enum Parser {
    PORT(ValueParsers::port),
    POSITIVE_INT(ValueParsers::positiveInt),
    NICENESS(ValueParsers::niceness),
    DURATION(ValueParsers::duration),
    SIZE(ValueParsers::size),
    HOST(ValueParsers::host),
    LOG_LEVEL(ValueParsers::logLevel),
    PORT_RANGE(PortRange::parse);

    final Function<String, ?> parse;

    Parser(Function<String, ?> parse) {
      this.parse = parse;
    }
  }

  /** A parser and the text given to it. */
  private record Input(Parser parser, String text) {}

  // --- port

  @Test
  void every_port_from_0_to_65535_round_trips() {
    forAll(
        1_000,
        ints(0, 65_535),
        port -> {
          int parsed = ValueParsers.port(Integer.toString(port));

          assertThat(parsed).isEqualTo(port);
        });
  }

  @Test
  void ports_below_0_are_rejected() {
    forAll(
        1_000,
        ints(Integer.MIN_VALUE, -1),
        port ->
            assertThatThrownBy(() -> ValueParsers.port(Integer.toString(port)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0-65535"));
  }

  @Test
  void ports_above_65535_are_rejected() {
    forAll(
        1_000,
        ints(65_536, Integer.MAX_VALUE),
        port ->
            assertThatThrownBy(() -> ValueParsers.port(Integer.toString(port)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0-65535"));
  }

  @Test
  void a_port_that_is_not_a_number_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.port("http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a whole number");
  }

  // --- positiveInt

  @Test
  void positive_ints_round_trip() {
    forAll(
        1_000,
        ints(1, Integer.MAX_VALUE),
        value -> assertThat(ValueParsers.positiveInt(Integer.toString(value))).isEqualTo(value));
  }

  @Test
  void zero_and_negative_ints_are_rejected() {
    forAll(
        1_000,
        ints(Integer.MIN_VALUE, 0),
        value ->
            assertThatThrownBy(() -> ValueParsers.positiveInt(Integer.toString(value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be at least 1"));
  }

  // --- duration

  @Test
  void durations_round_trip_in_every_unit() {
    forAll(
        1_000,
        combine(longs(1, 1_000_000), DURATION_UNITS, Amount::new),
        value -> {
          long amount = value.amount();
          Duration expected =
              switch (value.unit()) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
              };

          Duration parsed = ValueParsers.duration(amount + value.unit());
          Duration upperCase =
              ValueParsers.duration(amount + value.unit().toUpperCase(Locale.ROOT));

          assertThat(parsed).isEqualTo(expected);
          assertThat(upperCase).isEqualTo(expected);
        });
  }

  @Test
  void a_zero_duration_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.duration("0s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be longer than zero");
  }

  @Test
  void a_duration_without_unit_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.duration("30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("500ms, 30s, 2m, 1h or 30d");
  }

  @Test
  void a_duration_too_large_for_java_is_rejected_with_a_reason() {
    assertThatThrownBy(() -> ValueParsers.duration("9223372036854775807h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
    assertThatThrownBy(() -> ValueParsers.duration("99999999999999999999ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
  }

  @Test
  void any_digits_and_unit_parse_or_are_rejected_with_a_reason() {
    forAll(
        1_000,
        combine(strings(DIGITS, 1, 25), DURATION_UNITS, Digits::new),
        value -> assertParsesOrRejects(ValueParsers::duration, value.digits() + value.unit()));
  }

  // --- size

  @Test
  void sizes_round_trip_in_every_unit() {
    forAll(
        1_000,
        combine(longs(1, 1_000_000), SIZE_UNITS, Amount::new),
        value -> {
          long multiplier =
              switch (value.unit().toLowerCase(Locale.ROOT)) {
                case "", "b" -> 1L;
                case "kb" -> 1_000L;
                case "kib" -> 1_024L;
                case "mb" -> 1_000_000L;
                case "mib" -> 1_048_576L;
                case "gb" -> 1_000_000_000L;
                default -> 1_073_741_824L;
              };

          long parsed = ValueParsers.size(value.amount() + value.unit());

          assertThat(parsed).isEqualTo(value.amount() * multiplier);
        });
  }

  @Test
  void a_size_may_have_a_space_before_its_unit() {
    assertThat(ValueParsers.size("10 MiB")).isEqualTo(10L << 20);
  }

  @Test
  void a_zero_size_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.size("0KiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be at least 1 byte");
  }

  @Test
  void a_size_that_overflows_is_rejected_with_a_reason() {
    assertThatThrownBy(() -> ValueParsers.size("9223372036854775807GiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
    assertThatThrownBy(() -> ValueParsers.size("99999999999999999999"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
  }

  @Test
  void a_size_with_an_unknown_unit_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.size("10TB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512KiB");
  }

  @Test
  void any_digits_and_size_unit_parse_or_are_rejected_with_a_reason() {
    forAll(
        1_000,
        combine(strings(DIGITS, 1, 25), SIZE_UNITS, Digits::new),
        value -> assertParsesOrRejects(ValueParsers::size, value.digits() + value.unit()));
  }

  // --- host and log level

  @Test
  void hosts_are_names_or_ip_literals() {
    assertThat(ValueParsers.host("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(ValueParsers.host("::1")).isEqualTo("::1");
    assertThat(ValueParsers.host("localhost")).isEqualTo("localhost");
  }

  @Test
  void a_host_with_whitespace_is_rejected() {
    Generator<String> around = strings(0, 5);
    Generator<String> space = strings(WHITESPACE, 1, 2);
    Generator<String> hosts =
        random -> around.next(random) + space.next(random) + around.next(random);

    forAll(
        1_000,
        hosts,
        host ->
            assertThatThrownBy(() -> ValueParsers.host(host))
                .isInstanceOf(IllegalArgumentException.class));
  }

  @Test
  void an_empty_host_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.host("")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"})
  void log_levels_are_case_insensitive_and_normalised_to_upper_case(String level) {
    assertThat(ValueParsers.logLevel(level.toLowerCase(Locale.ROOT))).isEqualTo(level);
    assertThat(ValueParsers.logLevel(level)).isEqualTo(level);
  }

  @Test
  void an_unknown_log_level_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.logLevel("VERBOSE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRACE, DEBUG, INFO, WARN, ERROR");
  }

  @Test
  void log_levels_parse_the_same_under_a_turkish_locale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    try {
      assertThat(ValueParsers.logLevel("info")).isEqualTo("INFO");
      assertThat(ValueParsers.duration("2MS")).isEqualTo(Duration.ofMillis(2));
      assertThat(ValueParsers.size("1KIB")).isEqualTo(1024);
    } finally {
      Locale.setDefault(before);
    }
  }

  // --- niceness

  @Test
  void niceness_is_a_whole_number_from_0_to_19() {
    assertThat(ValueParsers.niceness("0")).isZero();
    assertThat(ValueParsers.niceness("19")).isEqualTo(19);
    assertThatThrownBy(() -> ValueParsers.niceness("20")).hasMessage("must be between 0 and 19");
    assertThatThrownBy(() -> ValueParsers.niceness("-1")).hasMessage("must be between 0 and 19");
  }

  // --- every parser

  @Test
  void every_parser_returns_or_rejects_any_text_with_a_reason() {
    forAll(
        1_000,
        combine(Generator.of(Parser.values()), strings(0, 30), Input::new),
        input -> assertParsesOrRejects(input.parser().parse, input.text()));
  }

  private static void assertParsesOrRejects(Function<String, ?> parser, String text) {
    try {
      assertThat(parser.apply(text)).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageNotContaining("For input string");
    }
  }
}
