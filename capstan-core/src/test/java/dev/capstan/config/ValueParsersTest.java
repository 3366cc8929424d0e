package dev.capstan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Whitespace;

class ValueParsersTest {

  // --- port

  @Property
  void every_port_from_0_to_65535_round_trips(@ForAll @IntRange(min = 0, max = 65_535) int port) {
    int parsed = ValueParsers.port(Integer.toString(port));

    assertThat(parsed).isEqualTo(port);
  }

  @Property
  void ports_below_0_are_rejected(@ForAll @IntRange(min = Integer.MIN_VALUE, max = -1) int port) {
    assertThatThrownBy(() -> ValueParsers.port(Integer.toString(port)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0-65535");
  }

  @Property
  void ports_above_65535_are_rejected(
      @ForAll @IntRange(min = 65_536, max = Integer.MAX_VALUE) int port) {
    assertThatThrownBy(() -> ValueParsers.port(Integer.toString(port)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0-65535");
  }

  @Example
  void a_port_that_is_not_a_number_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.port("http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a whole number");
  }

  // --- positiveInt

  @Property
  void positive_ints_round_trip(@ForAll @IntRange(min = 1) int value) {
    assertThat(ValueParsers.positiveInt(Integer.toString(value))).isEqualTo(value);
  }

  @Property
  void zero_and_negative_ints_are_rejected(
      @ForAll @IntRange(min = Integer.MIN_VALUE, max = 0) int value) {
    assertThatThrownBy(() -> ValueParsers.positiveInt(Integer.toString(value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be at least 1");
  }

  // --- duration

  @Property
  void durations_round_trip_in_every_unit(
      @ForAll @LongRange(min = 1, max = 1_000_000) long amount,
      @ForAll("durationUnits") String unit) {
    Duration expected =
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };

    Duration parsed = ValueParsers.duration(amount + unit);
    Duration upperCase = ValueParsers.duration(amount + unit.toUpperCase(Locale.ROOT));

    assertThat(parsed).isEqualTo(expected);
    assertThat(upperCase).isEqualTo(expected);
  }

  @Example
  void a_zero_duration_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.duration("0s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be longer than zero");
  }

  @Example
  void a_duration_without_unit_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.duration("30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("500ms, 30s, 2m or 1h");
  }

  @Example
  void a_duration_too_large_for_java_is_rejected_with_a_reason() {
    assertThatThrownBy(() -> ValueParsers.duration("9223372036854775807h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
    assertThatThrownBy(() -> ValueParsers.duration("99999999999999999999ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
  }

  @Property
  void any_digits_and_unit_parse_or_are_rejected_with_a_reason(
      @ForAll @NumericChars @StringLength(min = 1, max = 25) String digits,
      @ForAll("durationUnits") String unit) {
    assertParsesOrRejects(ValueParsers::duration, digits + unit);
  }

  // --- size

  @Property
  void sizes_round_trip_in_every_unit(
      @ForAll @LongRange(min = 1, max = 1_000_000) long amount, @ForAll("sizeUnits") String unit) {
    long multiplier =
        switch (unit.toLowerCase(Locale.ROOT)) {
          case "", "b" -> 1L;
          case "kb" -> 1_000L;
          case "kib" -> 1_024L;
          case "mb" -> 1_000_000L;
          case "mib" -> 1_048_576L;
          case "gb" -> 1_000_000_000L;
          default -> 1_073_741_824L;
        };

    long parsed = ValueParsers.size(amount + unit);

    assertThat(parsed).isEqualTo(amount * multiplier);
  }

  @Example
  void a_size_may_have_a_space_before_its_unit() {
    assertThat(ValueParsers.size("10 MiB")).isEqualTo(10L << 20);
  }

  @Example
  void a_zero_size_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.size("0KiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be at least 1 byte");
  }

  @Example
  void a_size_that_overflows_is_rejected_with_a_reason() {
    assertThatThrownBy(() -> ValueParsers.size("9223372036854775807GiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
    assertThatThrownBy(() -> ValueParsers.size("99999999999999999999"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("too large");
  }

  @Example
  void a_size_with_an_unknown_unit_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.size("10TB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512KiB");
  }

  @Property
  void any_digits_and_size_unit_parse_or_are_rejected_with_a_reason(
      @ForAll @NumericChars @StringLength(min = 1, max = 25) String digits,
      @ForAll("sizeUnits") String unit) {
    assertParsesOrRejects(ValueParsers::size, digits + unit);
  }

  // --- host and log level

  @Example
  void hosts_are_names_or_ip_literals() {
    assertThat(ValueParsers.host("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(ValueParsers.host("::1")).isEqualTo("::1");
    assertThat(ValueParsers.host("localhost")).isEqualTo("localhost");
  }

  @Property
  void a_host_with_whitespace_is_rejected(
      @ForAll @StringLength(max = 5) String before,
      @ForAll @Whitespace @StringLength(min = 1, max = 2) String space,
      @ForAll @StringLength(max = 5) String after) {
    assertThatThrownBy(() -> ValueParsers.host(before + space + after))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void an_empty_host_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.host("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void log_levels_are_case_insensitive_and_normalised_to_upper_case(
      @ForAll("logLevels") String level) {
    assertThat(ValueParsers.logLevel(level.toLowerCase(Locale.ROOT))).isEqualTo(level);
    assertThat(ValueParsers.logLevel(level)).isEqualTo(level);
  }

  @Example
  void an_unknown_log_level_is_rejected() {
    assertThatThrownBy(() -> ValueParsers.logLevel("VERBOSE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRACE, DEBUG, INFO, WARN, ERROR");
  }

  @Example
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

  // --- every parser

  @Property
  void every_parser_returns_or_rejects_any_text_with_a_reason(
      @ForAll("parsers") Function<String, ?> parser, @ForAll @StringLength(max = 30) String text) {
    assertParsesOrRejects(parser, text);
  }

  @Provide
  Arbitrary<String> durationUnits() {
    return Arbitraries.of("ms", "s", "m", "h");
  }

  @Provide
  Arbitrary<String> sizeUnits() {
    return Arbitraries.of("", "b", "kb", "KiB", "MB", "mib", "gb", "GiB");
  }

  @Provide
  Arbitrary<String> logLevels() {
    return Arbitraries.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
  }

  @Provide
  Arbitrary<Function<String, ?>> parsers() {
    return Arbitraries.of(
        ValueParsers::port,
        ValueParsers::positiveInt,
        ValueParsers::duration,
        ValueParsers::size,
        ValueParsers::host,
        ValueParsers::logLevel,
        PortRange::parse);
  }

  private static void assertParsesOrRejects(Function<String, ?> parser, String text) {
    try {
      assertThat(parser.apply(text)).isNotNull();
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageNotContaining("For input string");
    }
  }
}
