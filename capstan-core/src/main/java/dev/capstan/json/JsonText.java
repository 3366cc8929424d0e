package dev.capstan.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader (RFC 8259) for the few flat documents every CLI command reads before
 * it can do anything: the manifest, the token file and the daemon's identity. Building Jackson's
 * mapper costs tens of milliseconds in a fresh JVM, which is most of a {@code capstan daemon
 * status}; this reader costs nothing to set up. Everything else uses {@link Json}.
 *
 * <p>Values map to {@link Map} (insertion order kept, duplicate keys rejected), {@link List},
 * {@link String}, {@link Long} (integers without fraction or exponent that fit), {@link BigDecimal}
 * (every other number), {@link Boolean} and {@code null}. Nesting deeper than {@value #MAX_DEPTH}
 * is refused. Stateless and thread-safe.
 */
public final class JsonText {
  /** Deepest nesting accepted; the documents read here are one or two levels deep. */
  public static final int MAX_DEPTH = 64;

  /** Integers this long or shorter (sign included) always fit in a long. */
  private static final int MAX_LONG_CHARS = 18;

  private final String text;
  private int pos;

  private JsonText(String text) {
    this.text = text;
  }

  /**
   * Parses one JSON value that must be an object, with nothing but whitespace after it.
   *
   * @throws JsonSyntaxException when {@code text} is not exactly one JSON object
   */
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (value instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) map;
      return object;
    }
    throw new JsonSyntaxException("expected a JSON object", 0);
  }

  /**
   * Parses one JSON value with nothing but whitespace after it.
   *
   * @throws JsonSyntaxException when {@code text} is not exactly one JSON value
   */
  public static Object parse(String text) {
    JsonText reader = new JsonText(text);
    reader.skipWhitespace();
    Object value = reader.value(0);
    reader.skipWhitespace();
    if (reader.pos != text.length()) {
      throw new JsonSyntaxException("unexpected content after the value", reader.pos);
    }
    return value;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new JsonSyntaxException("nesting deeper than " + MAX_DEPTH, pos);
    }
    if (pos >= text.length()) {
      throw new JsonSyntaxException("unexpected end of input", pos);
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw new JsonSyntaxException("unexpected character '" + c + "'", pos);
      }
    };
  }

  private Map<String, Object> object(int depth) {
    pos++;
    Map<String, Object> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(members);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw new JsonSyntaxException("expected a member name", pos);
      }
      int keyAt = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object member = value(depth + 1);
      if (members.containsKey(key)) {
        throw new JsonSyntaxException("duplicate member \"" + key + "\"", keyAt);
      }
      members.put(key, member);
      skipWhitespace();
      char next = peek();
      pos++;
      if (next == '}') {
        return Collections.unmodifiableMap(members);
      }
      if (next != ',') {
        throw new JsonSyntaxException("expected ',' or '}'", pos - 1);
      }
    }
  }

  private List<Object> array(int depth) {
    pos++;
    List<Object> items = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(items);
    }
    while (true) {
      skipWhitespace();
      items.add(value(depth + 1));
      skipWhitespace();
      char next = peek();
      pos++;
      if (next == ']') {
        return Collections.unmodifiableList(items);
      }
      if (next != ',') {
        throw new JsonSyntaxException("expected ',' or ']'", pos - 1);
      }
    }
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw new JsonSyntaxException("unterminated string", pos);
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new JsonSyntaxException("control character in a string", pos - 1);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw new JsonSyntaxException("unterminated escape", pos);
      }
      char escaped = text.charAt(pos++);
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(unicodeEscape());
        default -> throw new JsonSyntaxException("invalid escape '\\" + escaped + "'", pos - 2);
      }
    }
  }

  private char unicodeEscape() {
    if (pos + 4 > text.length()) {
      throw new JsonSyntaxException("truncated \\u escape", pos);
    }
    int code = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(pos + i), 16);
      if (digit < 0) {
        throw new JsonSyntaxException("invalid \\u escape", pos);
      }
      code = code * 16 + digit;
    }
    pos += 4;
    return (char) code;
  }

  private Number number() {
    int start = pos;
    boolean integral = true;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      digits();
    } else {
      throw new JsonSyntaxException("invalid number", start);
    }
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) {
        throw new JsonSyntaxException("invalid number", start);
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw new JsonSyntaxException("invalid number", start);
      }
      digits();
    }
    // why: the first BigDecimal costs about 10 ms of class set-up in a fresh JVM, a CLI's budget
    if (integral && pos - start <= MAX_LONG_CHARS) {
      return Long.parseLong(text, start, pos, 10);
    }
    try {
      return new BigDecimal(text.substring(start, pos));
    } catch (NumberFormatException e) {
      // why: valid JSON, but an exponent beyond BigDecimal's range is no value Capstan can use
      throw new JsonSyntaxException("number out of range", start);
    }
  }

  private void digits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw new JsonSyntaxException("unexpected character '" + text.charAt(pos) + "'", pos);
    }
    pos += word.length();
    return value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new JsonSyntaxException("expected '" + c + "'", pos);
    }
    pos++;
  }

  /** The character at the cursor, or NUL at the end (NUL never starts valid JSON here). */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }
}
