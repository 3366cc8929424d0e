package dev.capstan.session;

import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalRequest;
import dev.capstan.llm.ChatMessage;
import dev.capstan.llm.ToolCall;
import dev.capstan.tool.CancelToken;
import dev.capstan.tool.ToolPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one run of the {@link AgentLoop} works for: a session's turn, or a task's attempt. The loop
 * itself (asking the model, deciding and running tool calls, waiting for approvals) is the same for
 * both; the host says where the conversation is kept, where its events go and who owns its
 * approvals.
 *
 * <p>Confined to the thread that runs the loop, except {@link #cancelToken()}, which any thread may
 * fire.
 */
public interface LoopHost {

  /** The directory the tools are confined to. */
  Path workspace();

  /** The model to ask; empty for the configured default. */
  Optional<String> model();

  /** The id stored with each message of this run (a turn id, or the attempt's own id). */
  String conversationId();

  /** The system prompt and the earlier conversation the model sees before this run's messages. */
  List<ChatMessage> context();

  /**
   * Messages this run already has (a resumed turn), in order; when empty the loop stores {@link
   * #userMessage()} as the first one.
   */
  List<ConversationMessage> begin(MessageSink sink);

  /** What the user asks: the turn's message or the task's prompt. */
  String userMessage();

  /** The answer text a resumed run already produced; empty for a fresh one. */
  default String answerSoFar() {
    return "";
  }

  /** Keeps one message of this run. */
  void append(ConversationMessage message);

  /** Keeps the answer text so far (called now and then while it streams, and per message). */
  void saveText(String text);

  /**
   * Keeps an assistant message and the answer text so far, as {@link #append} then {@link
   * #saveText}; a host may store both at once.
   */
  default void appendAnswer(ConversationMessage message, String textSoFar) {
    append(message);
    saveText(textSoFar);
  }

  /** An LLM request of this run is on its way. Must not block. */
  default void llmRequestSent() {}

  /** Answer text as it streams from the model. */
  void onText(String text);

  /** A tool call is about to run. */
  void onToolStarted(ToolCall call, String preview);

  /** A tool call ended (outcome {@code ok}, {@code error}, {@code cancelled} or {@code denied}). */
  void onToolFinished(ToolCall call, String outcome, String preview, long millis);

  /** Per-run tool policy overrides on top of the configured ones. */
  Map<String, ToolPolicy> policyOverrides();

  /** A decision already stored for this call (a resumed turn), if any. */
  Optional<Approval> earlierApproval(ToolCall call);

  /** The approval request for a call under {@code ask}, owned by this host. */
  ApprovalRequest approvalRequest(ToolCall call);

  /** The run now waits for {@code approval}. */
  default void onAwaitingApproval(Approval approval) {}

  /** The run no longer waits for an approval. */
  default void onApprovalEnded(Approval approval) {}

  /**
   * Variables the processes a tool starts carry on top of their minimal environment: a task's run
   * marker, so that recovery finds a command a dead daemon left running. None for a session: its
   * commands belong to no task, and the task orphan scan must not take them for a task's.
   */
  default Map<String, String> toolEnvironment() {
    return Map.of();
  }

  /** Fires on cancel (or when the run must stop for another reason). */
  CancelToken cancelToken();

  /** Whether the run stops because the daemon stops, not because a person cancelled it. */
  boolean shuttingDown();

  /** Stores messages on behalf of {@link #begin}: each gets the next index. */
  @FunctionalInterface
  interface MessageSink {
    /** Stores a copy of {@code message} as the run's next message. */
    void copy(ConversationMessage message);
  }
}
