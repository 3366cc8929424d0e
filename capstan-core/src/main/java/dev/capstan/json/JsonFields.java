package dev.capstan.json;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Typed, required members of an object read by {@link JsonText}. Each accessor throws {@link
 * IllegalArgumentException} naming the member when it is missing or of the wrong type, so a broken
 * file is reported precisely. Stateless and thread-safe.
 */
public final class JsonFields {
  private static final int MAX_SHOWN = 60;

  private JsonFields() {}

  /** The string member {@code name}. */
  public static String string(Map<String, Object> object, String name) {
    if (object.get(name) instanceof String value) {
      return value;
    }
    throw wrong(object, name, "a string");
  }

  /** The integral number member {@code name} as a long. */
  public static long longValue(Map<String, Object> object, String name) {
    Object member = object.get(name);
    if (member instanceof Long value) {
      return value;
    }
    if (member instanceof BigDecimal value) {
      try {
        return value.longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("\"" + name + "\" is not an integer in range");
      }
    }
    throw wrong(object, name, "a number");
  }

  /** The integral number member {@code name} as an int. */
  public static int intValue(Map<String, Object> object, String name) {
    long value = longValue(object, name);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("\"" + name + "\" is out of range");
    }
    return (int) value;
  }

  /** The ISO-8601 instant member {@code name}. */
  public static Instant instant(Map<String, Object> object, String name) {
    String text = string(object, name);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("\"" + name + "\" is not an ISO-8601 instant: " + text);
    }
  }

  private static IllegalArgumentException wrong(
      Map<String, Object> object, String name, String expected) {
    if (!object.containsKey(name)) {
      return new IllegalArgumentException("missing \"" + name + "\"");
    }
    return new IllegalArgumentException(
        "\"" + name + "\" must be " + expected + ", was " + shown(object.get(name)));
  }

  private static String shown(Object value) {
    String text = value instanceof String string ? "\"" + string + "\"" : String.valueOf(value);
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }
}
