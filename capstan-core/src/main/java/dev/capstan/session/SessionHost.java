package dev.capstan.session;

import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalRequest;
import dev.capstan.approval.ApprovalStore;
import dev.capstan.event.EventData;
import dev.capstan.event.EventLog;
import dev.capstan.event.StreamName;
import dev.capstan.llm.ChatMessage;
import dev.capstan.llm.ToolCall;
import dev.capstan.tool.CancelToken;
import dev.capstan.tool.ToolPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host of a session's turn: the conversation is kept in the session store, events go to {@code
 * session/<id>}, approvals belong to the turn. The run may start (load the history, send the LLM
 * request) while the runner's claim of the turn commits; everything that stores or publishes waits
 * for that claim first, and does nothing when it lost (the turn was cancelled before it started).
 *
 * <p>Confined to the turn's thread.
 */
final class SessionHost implements LoopHost {
  private final ActiveTurn active;
  private final Turn turn;
  private final Session session;
  private final SessionStore store;
  private final ApprovalStore approvalStore;
  private final EventLog events;
  private final StreamName stream;
  private final Map<String, String> processEnv;

  SessionHost(
      ActiveTurn active,
      SessionStore store,
      ApprovalStore approvalStore,
      EventLog events,
      Map<String, String> processEnv) {
    this.active = active;
    this.processEnv = Map.copyOf(processEnv);
    this.turn = active.turn();
    this.session = active.session();
    this.store = store;
    this.approvalStore = approvalStore;
    this.events = events;
    this.stream = StreamName.session(session.id());
  }

  @Override
  public Map<String, String> toolEnvironment() {
    return processEnv;
  }

  @Override
  public Path workspace() {
    return Path.of(session.workspace());
  }

  @Override
  public Optional<String> model() {
    return session.model();
  }

  @Override
  public String conversationId() {
    return turn.id();
  }

  @Override
  public List<ChatMessage> context() {
    List<ChatMessage> context = new ArrayList<>();
    context.add(new ChatMessage.System(AgentLoop.systemPrompt(session.workspace())));
    store
        .completedConversationBefore(session.id(), turn.position())
        .forEach(m -> context.add(AgentLoop.toChat(m)));
    return context;
  }

  @Override
  public List<ConversationMessage> begin(MessageSink sink) {
    if (!active.opening().isEmpty()) {
      // why: the claim stores these (the loop must not wait for it here, or the LLM request would
      // wait for its commit); a turn that starts with them has nothing else stored yet.
      return active.opening();
    }
    if (!started()) {
      return List.of();
    }
    List<ConversationMessage> stored = store.messagesOf(turn.id());
    if (stored.isEmpty() && turn.resumeOf().isPresent()) {
      store.messagesOf(turn.resumeOf().get()).forEach(sink::copy);
      return List.of();
    }
    return stored;
  }

  @Override
  public String userMessage() {
    return turn.userMessage();
  }

  @Override
  public String answerSoFar() {
    return turn.assistantText();
  }

  @Override
  public void append(ConversationMessage message) {
    if (!started()) {
      return;
    }
    store.appendMessage(message);
  }

  @Override
  public void appendAnswer(ConversationMessage message, String textSoFar) {
    if (!started()) {
      return;
    }
    store.appendAnswer(message, textSoFar);
  }

  @Override
  public void saveText(String text) {
    if (!started()) {
      return;
    }
    store.saveAssistantText(turn.id(), text);
  }

  @Override
  public void onText(String text) {
    if (!started()) {
      return;
    }
    events.appendTurnDelta(stream, turn.id(), text);
  }

  @Override
  public void onToolStarted(ToolCall call, String preview) {
    if (!started()) {
      return;
    }
    events.append(stream, new EventData.ToolStarted(turn.id(), call.id(), call.name(), preview));
  }

  @Override
  public void onToolFinished(ToolCall call, String outcome, String preview, long millis) {
    if (!started()) {
      return;
    }
    events.append(
        stream,
        new EventData.ToolFinished(turn.id(), call.id(), call.name(), outcome, preview, millis));
  }

  @Override
  public Map<String, ToolPolicy> policyOverrides() {
    Map<String, ToolPolicy> overrides = new HashMap<>();
    store.policiesOf(session.id()).forEach((tool, p) -> overrides.put(tool, ToolPolicy.parse(p)));
    return overrides;
  }

  @Override
  public Optional<Approval> earlierApproval(ToolCall call) {
    Optional<Approval> earlier = approvalStore.findByToolCall(turn.id(), call.id());
    if (earlier.isEmpty() && turn.resumeOf().isPresent()) {
      earlier = approvalStore.findByToolCall(turn.resumeOf().get(), call.id());
    }
    return earlier;
  }

  @Override
  public ApprovalRequest approvalRequest(ToolCall call) {
    return ApprovalRequest.ofTurn(
        session.id(), turn.id(), call.id(), call.name(), call.arguments());
  }

  @Override
  public void llmRequestSent() {
    active.startClaim();
  }

  /** Waits for the runner's claim of the turn; whether it won. */
  private boolean started() {
    return active.awaitClaim();
  }

  @Override
  public CancelToken cancelToken() {
    return active.cancelToken();
  }

  @Override
  public boolean shuttingDown() {
    return active.shuttingDown();
  }
}
