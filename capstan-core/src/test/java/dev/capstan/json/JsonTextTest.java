package dev.capstan.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.testing.Generator;
import dev.capstan.testing.Properties;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {
  private static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final String INSERTS = "{}[],:\"\\0-e.tn ";

  @Test
  void reads_what_jackson_writes() {
    Properties.forAll(
        500,
        random -> value(random, 0),
        value -> {
          String text = JACKSON.writeValueAsString(value);

          assertThat(normalised(JsonText.parse(text))).isEqualTo(normalised(value));
        });
  }

  @Test
  void agrees_with_jackson_on_whether_mangled_text_is_json() {
    Generator<String> mangled =
        random -> {
          StringBuilder text = new StringBuilder(JACKSON.valueToTree(value(random, 0)).toString());
          int edits = 1 + random.nextInt(3);
          for (int i = 0; i < edits && !text.isEmpty(); i++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(3)) {
              case 0 -> text.deleteCharAt(at);
              case 1 -> text.insert(at, INSERTS.charAt(random.nextInt(INSERTS.length())));
              default -> text.setCharAt(at, (char) (' ' + random.nextInt(95)));
            }
          }
          return text.toString();
        };

    Properties.forAll(
        2_000,
        mangled,
        text -> {
          boolean jacksonAccepts = jacksonAccepts(text);
          boolean accepts;
          try {
            JsonText.parse(text);
            accepts = true;
          } catch (JsonSyntaxException e) {
            if (e.getMessage().startsWith("number out of range")) {
              assertThat(text).containsPattern("[eE][-+]?[0-9]{10,}");
              return;
            }
            accepts = false;
          }

          assertThat(accepts).as("accepts %s", text).isEqualTo(jacksonAccepts);
        });
  }

  @Test
  void decodes_escapes_and_surrogate_pairs() {
    Map<String, Object> object =
        JsonText.parseObject("{\"a\":\"tab\\there \\\"q\\\" \\u00e9 \\ud83d\\ude00 \\/\"}");

    assertThat(object.get("a")).isEqualTo("tab\there \"q\" é 😀 /");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{",
        "{\"a\":1,}",
        "{\"a\":1}{}",
        "{\"a\" 1}",
        "{a:1}",
        "[1,]",
        "01",
        "1.",
        "-",
        "1e",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"raw \u0001 control\"",
        "tru",
        "nul",
        "NaN",
        "{\"a\":1,\"a\":2}"
      })
  void refuses_what_is_not_json(String text) {
    assertThatThrownBy(() -> JsonText.parse(text)).isInstanceOf(JsonSyntaxException.class);
  }

  @Test
  void refuses_nesting_beyond_the_limit_instead_of_overflowing_the_stack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);

    assertThatThrownBy(() -> JsonText.parse(deep))
        .isInstanceOf(JsonSyntaxException.class)
        .hasMessageContaining("nesting");
  }

  @Test
  void parse_object_refuses_other_values() {
    assertThatThrownBy(() -> JsonText.parseObject("[1]"))
        .isInstanceOf(JsonSyntaxException.class)
        .hasMessageContaining("object");
  }

  @Test
  void typed_fields_name_the_member_and_the_value() {
    Map<String, Object> object = JsonText.parseObject("{\"pid\":\"x\",\"at\":\"soon\",\"n\":1.5}");

    assertThatThrownBy(() -> JsonFields.longValue(object, "pid"))
        .hasMessage("\"pid\" must be a number, was \"x\"");
    assertThatThrownBy(() -> JsonFields.string(object, "gone")).hasMessage("missing \"gone\"");
    assertThatThrownBy(() -> JsonFields.instant(object, "at")).hasMessageContaining("soon");
    assertThatThrownBy(() -> JsonFields.longValue(object, "n")).hasMessageContaining("integer");
  }

  private static boolean jacksonAccepts(String text) {
    try {
      // why: Jackson keeps the last of duplicate members; JsonText refuses them, on purpose.
      return !JACKSON.readTree(text).isMissingNode() && !hasDuplicateMember(text);
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean hasDuplicateMember(String text) {
    try {
      JACKSON
          .reader()
          .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .readTree(text);
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  private static Object value(RandomGenerator random, int depth) {
    int kind = random.nextInt(depth > 3 ? 5 : 7);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextLong();
      case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(-5, 6));
      case 4 -> text(random);
      case 5 -> {
        List<Object> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(value(random, depth + 1));
        }
        yield items;
      }
      default -> {
        Map<String, Object> members = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          members.put(text(random), value(random, depth + 1));
        }
        yield members;
      }
    };
  }

  private static String text(RandomGenerator random) {
    String alphabet = "ab \"\\/\n\t\u0001é😀{}[]:,";
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(8); i > 0; i--) {
      int at = random.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c)) {
        text.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        text.append(c);
      }
    }
    return text.toString();
  }

  /** Numbers compared by value, whatever type each side used. */
  private static Object normalised(Object value) {
    if (value instanceof Number number) {
      return new BigDecimal(number.toString()).stripTrailingZeros();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(JsonTextTest::normalised).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, normalised(v)));
      return out;
    }
    return value;
  }
}
