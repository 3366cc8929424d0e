package dev.capstan.testing;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Property checks for plain JUnit tests: {@link #forAll} runs a check against many generated
 * values, and a failure names the seed, the try and the value, so that it can be reproduced.
 *
 * <pre>{@code
 * @Test
 * void every_port_round_trips() {
 *   forAll(1_000, ints(0, 65_535), port -> assertThat(parse("" + port)).isEqualTo(port));
 * }
 * }</pre>
 *
 * <p>The seed comes from the system property {@value #SEED_PROPERTY}: a number to replay a failure
 * ({@code mvn verify -Dcapstan.test.seed=42}), or {@code random} for a fresh seed on every check.
 * Without it every run uses {@link #DEFAULT_SEED}, so the suite is reproducible. Each call of
 * {@code forAll} starts its own generator from the seed, so a property sees the same values
 * whatever other tests ran before it.
 *
 * <p>Thread-safe (stateless): each call draws from its own {@link RandomGenerator}, confined to the
 * calling thread.
 */
public final class Properties {

  /** The system property that sets the seed: a long, or {@code random}. */
  public static final String SEED_PROPERTY = "capstan.test.seed";

  /** The seed when {@value #SEED_PROPERTY} is not set. */
  public static final long DEFAULT_SEED = 1_234_567_890L;

  private static final int MAX_DESCRIBED_CHARS = 2_000;

  private Properties() {}

  /**
   * Runs {@code check} against {@code tries} values of {@code generator}, seeded from {@value
   * #SEED_PROPERTY}, and stops at the first value it fails for.
   *
   * @throws AssertionError naming the seed, the try and the value when {@code check} throws, with
   *     what it threw as the cause
   */
  public static <T> void forAll(
      int tries, Generator<T> generator, ThrowingConsumer<? super T> check) {
    forAll(seed(), tries, generator, check);
  }

  /** Like {@link #forAll(int, Generator, ThrowingConsumer)}, with the given seed. */
  public static <T> void forAll(
      long seed, int tries, Generator<T> generator, ThrowingConsumer<? super T> check) {
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be >= 1, was " + tries);
    }
    Objects.requireNonNull(generator, "generator");
    Objects.requireNonNull(check, "check");
    RandomGenerator random = new SplittableRandom(seed);
    for (int attempt = 1; attempt <= tries; attempt++) {
      T value = generator.next(random);
      try {
        check.accept(value);
      } catch (Throwable failure) {
        throw new AssertionError(
            "property failed on try "
                + attempt
                + " of "
                + tries
                + " with seed "
                + seed
                + " (rerun with -D"
                + SEED_PROPERTY
                + "="
                + seed
                + ")\n  value: "
                + describe(value)
                + "\n  failure: "
                + failure,
            failure);
      }
    }
  }

  /** The seed that {@value #SEED_PROPERTY} asks for: its number, a fresh one, or the default. */
  static long seed() {
    String configured = System.getProperty(SEED_PROPERTY, "").strip();
    if (configured.isEmpty()) {
      return DEFAULT_SEED;
    }
    if (configured.equalsIgnoreCase("random")) {
      return new SecureRandom().nextLong();
    }
    try {
      return Long.parseLong(configured);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          SEED_PROPERTY + " must be a whole number or \"random\", was \"" + configured + "\"", e);
    }
  }

  /** The value as text a reader can retype: strings quoted and escaped, arrays listed. */
  static String describe(Object value) {
    String text =
        switch (value) {
          case null -> "null";
          case String string -> quote(string);
          case byte[] bytes -> "byte[" + bytes.length + "] " + Arrays.toString(bytes);
          case Object[] array -> Arrays.deepToString(array);
          default -> value.toString();
        };
    return text.length() <= MAX_DESCRIBED_CHARS
        ? text
        : text.substring(0, MAX_DESCRIBED_CHARS) + "... (" + text.length() + " chars)";
  }

  private static String quote(String string) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : string.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        default -> {
          if (c >= ' ' && c <= '~') {
            quoted.append(c);
          } else {
            quoted.append(String.format("\\u%04x", (int) c));
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
