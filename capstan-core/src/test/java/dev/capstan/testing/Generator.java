package dev.capstan.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;

/**
 * Makes test values from a source of randomness, for {@link Properties#forAll}. A generator is a
 * plain function, so a value of several parts can also be written as a lambda that calls other
 * generators:
 *
 * <pre>{@code
 * Generator<Range> ranges = random -> new Range(firsts.next(random), widths.next(random));
 * }</pre>
 *
 * <p>The numeric generators return a bound of their range, or 0 and its neighbours when they lie in
 * it, about one time in eight: boundary values find more bugs than the middle of a range does.
 *
 * <p>The generators made here are immutable and thread-safe; the {@link RandomGenerator} passed to
 * {@link #next} is not, and stays confined to the thread that runs the property.
 *
 * @param <T> the type of the values made
 */
@FunctionalInterface
public interface Generator<T> {

  /** How often a numeric generator returns one of its boundary values: one time in this many. */
  int EDGE_ODDS = 8;

  /** How many values in a row {@link #filter} may reject before it gives up. */
  int MAX_REJECTED = 10_000;

  /** The next value, drawn from {@code random}. */
  T next(RandomGenerator random);

  /** The values of this generator, passed through {@code mapper}. */
  default <R> Generator<R> map(Function<? super T, ? extends R> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return random -> mapper.apply(next(random));
  }

  /**
   * The values of this generator that {@code accepted} holds for; the others are drawn again.
   *
   * @throws IllegalStateException from {@link #next} when {@value #MAX_REJECTED} values in a row
   *     were rejected, so a filter that (almost) never holds fails instead of looping
   */
  default Generator<T> filter(Predicate<? super T> accepted) {
    Objects.requireNonNull(accepted, "accepted");
    return random -> {
      for (int rejected = 0; rejected < MAX_REJECTED; rejected++) {
        T value = next(random);
        if (accepted.test(value)) {
          return value;
        }
      }
      throw new IllegalStateException(
          "the filter rejected " + MAX_REJECTED + " values in a row; generate fitting values");
    };
  }

  /** Ints from {@code min} to {@code max}, both included. */
  static Generator<Integer> ints(int min, int max) {
    return longs(min, max).map(Long::intValue);
  }

  /** Any long. */
  static Generator<Long> longs() {
    return longs(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Longs from {@code min} to {@code max}, both included. */
  static Generator<Long> longs(long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
    List<Long> edges =
        LongStream.of(min, min + 1, -1, 0, 1, max - 1, max)
            .filter(edge -> edge >= min && edge <= max)
            .distinct()
            .boxed()
            .toList();
    return random -> {
      if (random.nextInt(EDGE_ODDS) == 0) {
        return edges.get(random.nextInt(edges.size()));
      }
      if (max < Long.MAX_VALUE) {
        return random.nextLong(min, max + 1);
      }
      if (min > Long.MIN_VALUE) {
        return random.nextLong(min - 1, max) + 1;
      }
      return random.nextLong();
    };
  }

  /** Any finite double, from the whole range of exponents. */
  static Generator<Double> doubles() {
    List<Double> edges =
        List.of(0.0, -0.0, 1.0, -1.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE);
    return random -> {
      if (random.nextInt(EDGE_ODDS) == 0) {
        return edges.get(random.nextInt(edges.size()));
      }
      double value;
      do {
        value = Double.longBitsToDouble(random.nextLong());
      } while (!Double.isFinite(value));
      return value;
    };
  }

  /** Strings of {@code minLength} to {@code maxLength} chars, each taken from {@code alphabet}. */
  static Generator<String> strings(String alphabet, int minLength, int maxLength) {
    if (alphabet.isEmpty()) {
      throw new IllegalArgumentException("the alphabet is empty");
    }
    return strings(
        minLength, maxLength, random -> alphabet.charAt(random.nextInt(alphabet.length())));
  }

  /**
   * Strings of {@code minLength} to {@code maxLength} arbitrary chars: half of them printable
   * ASCII, so that text resembling the expected input shows up, the other half any UTF-16 code unit
   * (controls, unpaired surrogates and all).
   */
  static Generator<String> strings(int minLength, int maxLength) {
    return strings(
        minLength,
        maxLength,
        random ->
            random.nextBoolean()
                ? (char) random.nextInt(' ', '~' + 1)
                : (char) random.nextInt(Character.MAX_VALUE + 1));
  }

  private static Generator<String> strings(
      int minLength, int maxLength, Generator<Character> chars) {
    if (minLength < 0 || minLength > maxLength) {
      throw new IllegalArgumentException(
          "need 0 <= minLength <= maxLength, was " + minLength + " and " + maxLength);
    }
    return random -> {
      int length = random.nextInt(minLength, maxLength + 1);
      StringBuilder text = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        text.append(chars.next(random));
      }
      return text.toString();
    };
  }

  /** Arrays of 0 to {@code maxLength} arbitrary bytes. */
  static Generator<byte[]> bytes(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must be >= 0, was " + maxLength);
    }
    return random -> {
      byte[] bytes = new byte[random.nextInt(maxLength + 1)];
      random.nextBytes(bytes);
      return bytes;
    };
  }

  /** One of {@code values}, each as likely as the others. */
  @SafeVarargs
  static <T> Generator<T> of(T... values) {
    // why: copying element by element, rather than handing the array on, keeps the varargs safe.
    List<T> choices = new ArrayList<>(values.length);
    for (T value : values) {
      choices.add(Objects.requireNonNull(value, "value"));
    }
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("no values to choose from");
    }
    return random -> choices.get(random.nextInt(choices.size()));
  }

  /** A value of one of {@code generators}, each chosen as often as the others. */
  @SafeVarargs
  static <T> Generator<T> oneOf(Generator<? extends T>... generators) {
    List<Generator<? extends T>> choices = new ArrayList<>(generators.length);
    for (Generator<? extends T> generator : generators) {
      choices.add(Objects.requireNonNull(generator, "generator"));
    }
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("no generators to choose from");
    }
    return random -> choices.get(random.nextInt(choices.size())).next(random);
  }

  /** One value of each generator, joined by {@code combiner} (typically a record's constructor). */
  static <A, B, R> Generator<R> combine(
      Generator<A> first,
      Generator<B> second,
      BiFunction<? super A, ? super B, ? extends R> combiner) {
    Objects.requireNonNull(combiner, "combiner");
    return random -> {
      A a = first.next(random);
      B b = second.next(random);
      return combiner.apply(a, b);
    };
  }
}
