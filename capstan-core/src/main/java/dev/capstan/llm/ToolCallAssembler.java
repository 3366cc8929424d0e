package dev.capstan.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Assembles tool calls from the {@code delta.tool_calls} entries of a streamed answer.
 *
 * <p>Tolerates the shapes servers send: pieces keyed by {@code index} with {@code id} and {@code
 * name} only in the first piece (OpenAI, vLLM, LM Studio, llama.cpp); whole calls in one piece,
 * with or without {@code index} (Ollama, some MLX servers); every call under index 0 but with a new
 * {@code id} (a new call, not more arguments of the old one); arguments sent as a JSON object
 * rather than a string; no arguments at all ({@code "{}"}); no id (one is made up, {@code
 * call_<n>}). A call is complete once a later call starts or the answer ends; complete calls go to
 * the sink in order, each exactly once.
 *
 * <p>Confined to one thread.
 */
final class ToolCallAssembler {
  private final Consumer<ToolCall> sink;
  private final TreeMap<Integer, Slot> open = new TreeMap<>();
  private final List<ToolCall> completed = new ArrayList<>();
  private int nextSyntheticIndex = 1_000_000;
  private Integer lastIndex;
  private int emitted;

  ToolCallAssembler(Consumer<ToolCall> sink) {
    this.sink = sink;
  }

  /** Takes one {@code delta.tool_calls} array (or a single entry). */
  void accept(JsonNode toolCalls) {
    if (toolCalls.isArray()) {
      for (JsonNode entry : toolCalls) {
        acceptEntry(entry);
      }
    } else if (toolCalls.isObject()) {
      acceptEntry(toolCalls);
    }
  }

  /** Takes a legacy {@code delta.function_call} ({@code name}, {@code arguments}) as call 0. */
  void acceptFunctionCall(JsonNode functionCall) {
    if (!functionCall.isObject()) {
      return;
    }
    Slot slot = slotFor(0, null, functionCall.path("name").asText(""));
    slot.append(functionCall);
  }

  /** The answer ended: every call still open is complete. Returns all calls, in order. */
  List<ToolCall> finish() {
    completeAllBefore(Integer.MAX_VALUE);
    return List.copyOf(completed);
  }

  private void acceptEntry(JsonNode entry) {
    if (!entry.isObject()) {
      return;
    }
    String id = text(entry.get("id"));
    JsonNode function = entry.path("function");
    String name = text(function.get("name"));
    JsonNode indexNode = entry.get("index");
    int index;
    if (indexNode != null && indexNode.canConvertToInt() && indexNode.asInt() >= 0) {
      index = indexNode.asInt();
      Slot existing = open.get(index);
      if (existing == null && index < highestSeen()) {
        // why: a piece for a call already completed (servers that reuse indices out of order)
        // starts a new call rather than reopening a finished one.
        index = nextSyntheticIndex++;
      } else if (existing != null && isAnotherCall(existing, id, name)) {
        index = nextSyntheticIndex++;
      }
    } else {
      Slot last = lastIndex == null ? null : open.get(lastIndex);
      index =
          last == null || isAnotherCall(last, id, name) || (id == null && name != null)
              ? nextSyntheticIndex++
              : lastIndex;
    }
    Slot slot = slotFor(index, id, name);
    if (function.isObject()) {
      slot.append(function);
    }
  }

  private static boolean isAnotherCall(Slot slot, String id, String name) {
    return (id != null && slot.id != null && !id.equals(slot.id))
        || (id != null && slot.id == null && slot.name.length() > 0 && name != null);
  }

  private int highestSeen() {
    return lastIndex == null ? -1 : lastIndex;
  }

  private Slot slotFor(int index, String id, String name) {
    Slot slot = open.get(index);
    if (slot == null) {
      completeAllBefore(index);
      slot = new Slot();
      open.put(index, slot);
    }
    if (lastIndex == null || index > lastIndex) {
      lastIndex = index;
    }
    if (id != null && slot.id == null) {
      slot.id = id;
    }
    if (name != null && slot.name.isEmpty()) {
      slot.name.append(name);
    }
    return slot;
  }

  private void completeAllBefore(int index) {
    while (!open.isEmpty() && open.firstKey() < index) {
      Slot slot = open.pollFirstEntry().getValue();
      emitted++;
      String arguments = slot.arguments.toString().strip();
      ToolCall call =
          new ToolCall(
              slot.id == null || slot.id.isBlank() ? "call_" + emitted : slot.id,
              slot.name.toString(),
              arguments.isEmpty() ? "{}" : arguments);
      completed.add(call);
      sink.accept(call);
    }
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() || !node.isValueNode() || node.asText().isEmpty()
        ? null
        : node.asText();
  }

  /** One call being assembled. */
  private static final class Slot {
    private String id;
    private final StringBuilder name = new StringBuilder();
    private final StringBuilder arguments = new StringBuilder();

    void append(JsonNode function) {
      JsonNode args = function.get("arguments");
      if (args == null || args.isNull()) {
        return;
      }
      if (args.isTextual()) {
        arguments.append(args.asText());
      } else {
        // why: some servers send the arguments as a JSON object instead of a string.
        arguments.append(args.toString());
      }
    }
  }
}
