package dev.capstan.llm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records every callback, for assertions. Thread-safe. */
final class RecordingListener implements StreamListener {
  final List<String> texts = new CopyOnWriteArrayList<>();
  final List<String> reasoning = new CopyOnWriteArrayList<>();
  final List<ToolCall> toolCalls = new CopyOnWriteArrayList<>();

  @Override
  public void onText(String text) {
    texts.add(text);
  }

  @Override
  public void onReasoning(String text) {
    reasoning.add(text);
  }

  @Override
  public void onToolCall(ToolCall call) {
    toolCalls.add(call);
  }

  String text() {
    return String.join("", texts);
  }

  int callbacks() {
    return texts.size() + reasoning.size() + toolCalls.size();
  }
}
