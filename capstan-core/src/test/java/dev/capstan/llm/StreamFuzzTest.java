package dev.capstan.llm;

import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.error.ErrorCode;
import dev.capstan.json.Json;
import dev.capstan.testing.Generator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the SSE parser, the stream decoder and the tool-call assembler: however the bytes of a
 * stream are cut into reads, the callbacks and the result are the same; random bytes and mangled
 * streams end in a result or the documented {@link LlmException}, never anything else.
 */
class StreamFuzzTest {
  private static final String ALPHABET = "ab c\"\\{}:\n\r\té€🚀data:[DONE]";
  private static final Timings TIMINGS = new Timings(Optional.empty(), Duration.ZERO, 1);

  /** A generated stream and what it should decode to. */
  record Sample(byte[] bytes, String text, List<ToolCall> calls) {
    @Override
    public String toString() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** A decoded stream: the callbacks in order and the result. */
  record Decoded(List<String> callbacks, ChatResult result) {}

  @Test
  void cutting_a_stream_into_random_reads_never_changes_what_it_decodes_to() {
    forAll(
        500,
        StreamFuzzTest::sample,
        sample -> {
          Decoded whole = decode(List.of(sample.bytes()));
          assertThat(whole.result().text()).isEqualTo(sample.text());
          assertThat(whole.result().toolCalls()).isEqualTo(sample.calls());
          RandomGenerator random = new java.util.SplittableRandom(sample.bytes().length);
          for (int i = 0; i < 5; i++) {
            Decoded cut = decode(randomCuts(sample.bytes(), random));
            assertThat(cut.callbacks()).isEqualTo(whole.callbacks());
            assertThat(cut.result().text()).isEqualTo(whole.result().text());
            assertThat(cut.result().toolCalls()).isEqualTo(whole.result().toolCalls());
            assertThat(cut.result().finishReason()).isEqualTo(whole.result().finishReason());
            assertThat(cut.result().usage()).isEqualTo(whole.result().usage());
          }
        });
  }

  @Test
  void random_bytes_decode_to_a_result_or_the_documented_error() {
    forAll(2_000, Generator.bytes(2_000), bytes -> assertOnlyDocumentedOutcomes(bytes));
  }

  @Test
  void mangled_streams_decode_to_a_result_or_the_documented_error() {
    Generator<byte[]> mangled =
        random -> {
          byte[] bytes = sample(random).bytes().clone();
          int flips = 1 + random.nextInt(8);
          for (int i = 0; i < flips && bytes.length > 0; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
          }
          return random.nextBoolean()
              ? bytes
              : Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        };
    forAll(2_000, mangled, StreamFuzzTest::assertOnlyDocumentedOutcomes);
  }

  @Test
  void tool_calls_assemble_the_same_whatever_the_argument_pieces() {
    Generator<List<ToolCall>> calls =
        random -> {
          List<ToolCall> list = new ArrayList<>();
          int count = 1 + random.nextInt(4);
          for (int i = 0; i < count; i++) {
            list.add(new ToolCall("call_" + i, "tool_" + random.nextInt(3), arguments(random)));
          }
          return list;
        };
    forAll(
        1_000,
        calls,
        expected -> {
          RandomGenerator random = new java.util.SplittableRandom(expected.hashCode());
          List<ToolCall> delivered = new ArrayList<>();
          ToolCallAssembler assembler = new ToolCallAssembler(delivered::add);
          for (int index = 0; index < expected.size(); index++) {
            ToolCall call = expected.get(index);
            for (ObjectNode piece : pieces(index, call, random)) {
              assembler.accept(piece);
            }
          }
          List<ToolCall> result = assembler.finish();
          assertThat(result).isEqualTo(expected);
          assertThat(delivered).isEqualTo(expected);
        });
  }

  private static void assertOnlyDocumentedOutcomes(byte[] bytes) {
    try {
      decode(List.of(bytes));
    } catch (LlmException e) {
      assertThat(e.code()).isIn(ErrorCode.LLM_ERROR, ErrorCode.NO_MODEL_LOADED);
    }
  }

  static Decoded decode(List<byte[]> reads) {
    List<String> callbacks = new ArrayList<>();
    StreamListener listener =
        new StreamListener() {
          @Override
          public void onText(String text) {
            callbacks.add("text:" + text);
          }

          @Override
          public void onReasoning(String text) {
            callbacks.add("reasoning:" + text);
          }

          @Override
          public void onToolCall(ToolCall call) {
            callbacks.add("tool:" + call);
          }
        };
    StreamDecoder decoder = new StreamDecoder(listener, "http://fuzz/v1");
    SseParser parser = new SseParser(decoder::accept);
    for (byte[] read : reads) {
      parser.feed(read);
    }
    parser.finish();
    ChatResult result = decoder.finish("m", TIMINGS);
    // why: text deltas may be cut differently by the server; compare the text they add up to.
    return new Decoded(mergeTexts(callbacks), result);
  }

  private static List<String> mergeTexts(List<String> callbacks) {
    List<String> merged = new ArrayList<>();
    for (String callback : callbacks) {
      int last = merged.size() - 1;
      String kind = callback.substring(0, callback.indexOf(':') + 1);
      if (last >= 0 && !kind.equals("tool:") && merged.get(last).startsWith(kind)) {
        merged.set(last, merged.get(last) + callback.substring(kind.length()));
      } else {
        merged.add(callback);
      }
    }
    return merged;
  }

  static Sample sample(RandomGenerator random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder text = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    String newline = random.nextBoolean() ? "\n" : "\r\n";
    int events = random.nextInt(12);
    for (int i = 0; i < events; i++) {
      switch (random.nextInt(5)) {
        case 0 -> write(out, ": keep-alive " + i + newline + newline);
        case 1 -> {
          String piece = randomText(random);
          if (!piece.isEmpty()) {
            text.append(piece);
          }
          write(out, data(delta("content", piece), newline));
        }
        case 2 -> write(out, data(delta("reasoning_content", randomText(random)), newline));
        case 3 -> write(out, "event: message" + newline + data(delta("content", ""), newline));
        default -> write(out, "id: " + i + newline + "retry: 10" + newline + newline);
      }
    }
    int toolCount = random.nextInt(3);
    for (int index = 0; index < toolCount; index++) {
      ToolCall call = new ToolCall("call_" + index, "tool_" + index, arguments(random));
      calls.add(call);
      for (ObjectNode piece : pieces(index, call, random)) {
        ObjectNode delta = Json.mapper().createObjectNode();
        delta.putArray("tool_calls").add(piece);
        write(out, data(choice(delta, null), newline));
      }
    }
    write(
        out,
        data(
            choice(Json.mapper().createObjectNode(), toolCount > 0 ? "tool_calls" : "stop"),
            newline));
    if (random.nextBoolean()) {
      write(
          out,
          data(
              "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}",
              newline));
    }
    if (random.nextBoolean()) {
      write(out, "data: [DONE]" + newline + newline);
    }
    return new Sample(out.toByteArray(), text.toString(), List.copyOf(calls));
  }

  private static List<ObjectNode> pieces(int index, ToolCall call, RandomGenerator random) {
    List<ObjectNode> pieces = new ArrayList<>();
    String args = call.arguments();
    int cut = 0;
    boolean first = true;
    while (first || cut < args.length()) {
      int next = Math.min(args.length(), cut + 1 + random.nextInt(6));
      if (next < args.length() && Character.isLowSurrogate(args.charAt(next))) {
        // why: a piece is a JSON string written as UTF-8; it cannot end inside a surrogate pair.
        next++;
      }
      ObjectNode entry = Json.mapper().createObjectNode().put("index", index);
      ObjectNode function = entry.putObject("function");
      if (first) {
        entry.put("id", call.id()).put("type", "function");
        function.put("name", call.name());
      }
      function.put("arguments", args.substring(cut, next));
      pieces.add(entry);
      cut = next;
      first = false;
    }
    return pieces;
  }

  private static String arguments(RandomGenerator random) {
    ObjectNode args = Json.mapper().createObjectNode();
    int fields = 1 + random.nextInt(3);
    for (int i = 0; i < fields; i++) {
      args.put("f" + i, randomText(random));
    }
    return args.toString();
  }

  private static String randomText(RandomGenerator random) {
    int length = random.nextInt(12);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(
          ALPHABET.codePointAt(
              ALPHABET.offsetByCodePoints(
                  0, random.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
    }
    return text.toString();
  }

  private static String delta(String field, String value) {
    ObjectNode delta = Json.mapper().createObjectNode().put(field, value);
    return choice(delta, null);
  }

  private static String choice(ObjectNode delta, String finish) {
    ObjectNode chunk = Json.mapper().createObjectNode().put("model", "m");
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return chunk.toString();
  }

  private static String data(String json, String newline) {
    return "data: " + json + newline + newline;
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<byte[]> randomCuts(byte[] bytes, RandomGenerator random) {
    List<byte[]> reads = new ArrayList<>();
    int at = 0;
    while (at < bytes.length) {
      int size = 1 + random.nextInt(random.nextBoolean() ? 3 : 64);
      int end = Math.min(bytes.length, at + size);
      reads.add(Arrays.copyOfRange(bytes, at, end));
      at = end;
    }
    return reads;
  }
}
