package dev.capstan.session;

import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalSettings;
import dev.capstan.approval.ApprovalStatus;
import dev.capstan.approval.ApprovalStore;
import dev.capstan.approval.Approvals;
import dev.capstan.error.ErrorCode;
import dev.capstan.event.EventLog;
import dev.capstan.llm.ChatMessage;
import dev.capstan.llm.ChatRequest;
import dev.capstan.llm.ChatResult;
import dev.capstan.llm.LlmCall;
import dev.capstan.llm.LlmClient;
import dev.capstan.llm.LlmException;
import dev.capstan.llm.StreamListener;
import dev.capstan.llm.ToolCall;
import dev.capstan.time.Stopwatch;
import dev.capstan.tool.CancelToken;
import dev.capstan.tool.Tool;
import dev.capstan.tool.ToolContext;
import dev.capstan.tool.ToolOutcome;
import dev.capstan.tool.ToolPolicies;
import dev.capstan.tool.ToolPolicy;
import dev.capstan.tool.ToolPreview;
import dev.capstan.tool.ToolRegistry;
import dev.capstan.tool.ToolResult;
import dev.capstan.tool.Workspace;
import dev.capstan.tool.WorkspaceInvalid;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in agent: system prompt and history, stream the answer from the LLM, run the tool calls
 * it asks for under their policies (allow runs, deny answers "denied", ask waits for a durable
 * approval), hand the results back, and loop until the model answers without tool calls or the
 * iteration limit is reached.
 *
 * <p>Every step is persisted as it happens: the user message, each assistant message (text and tool
 * calls) before any of its calls runs, each tool result as soon as it exists, and the answer text
 * while it streams. A tool call runs at most once: an LLM retry happens only before the first token
 * (inside the client), and a call that has a stored result is never run again.
 *
 * <p>The same loop serves a session's turn and a task's attempt: a {@link LoopHost} says where the
 * conversation is kept, where events go and who owns the approvals.
 *
 * <p>Thread-safe (stateless between runs); one run is confined to one thread.
 */
public final class AgentLoop implements TurnExecutor {
  private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);
  private static final long SAVE_TEXT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Duration APPROVAL_POLL = Duration.ofMillis(500);

  private final SessionStore store;
  private final ApprovalStore approvalStore;
  private final Approvals approvals;
  private final EventLog events;
  private final LlmClient llm;
  private final ToolRegistry tools;
  private final AgentSettings settings;
  private final Clock clock;

  public AgentLoop(
      SessionStore store,
      ApprovalStore approvalStore,
      Approvals approvals,
      EventLog events,
      LlmClient llm,
      ToolRegistry tools,
      AgentSettings settings,
      Clock clock) {
    this.store = store;
    this.approvalStore = approvalStore;
    this.approvals = approvals;
    this.events = events;
    this.llm = llm;
    this.tools = tools;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public TurnEnd run(ActiveTurn active) {
    return run(
        new SessionHost(
            active, store, approvalStore, events, settings.turnProcessEnv(active.turn().id())));
  }

  /** Runs the loop for {@code host} to its end; never throws for expected failures. */
  public TurnEnd run(LoopHost host) {
    return new Run(host).run();
  }

  /** The configured tool policies and limits. */
  public AgentSettings settings() {
    return settings;
  }

  /** The system prompt for a workspace directory. */
  public static String systemPrompt(String workspace) {
    return "You are Capstan's built-in coding agent. You work in the directory "
        + workspace
        + " and cannot leave it. Use the tools to read, search and change files and to run"
        + " commands; give paths relative to that directory. Some tool calls need a person's"
        + " approval; if a call is denied, do not retry it, explain what you would have done."
        + " Answer concisely.";
  }

  /** Thrown inside a run when it must stop; carries how it ends. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final TurnErrorCode code;

    Stop(TurnErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** One run. Confined to its thread. */
  private final class Run {
    private final LoopHost host;
    private final CancelToken cancel;
    private final Stopwatch stopwatch = Stopwatch.start();
    private final StringBuilder answer;
    private final List<ConversationMessage> own = new ArrayList<>();
    private long promptTokens;
    private long completionTokens;
    private boolean usageKnown;
    private Optional<Long> ttftMillis = Optional.empty();
    private long lastSaveNanos = System.nanoTime();
    private Workspace workspace;

    Run(LoopHost host) {
      this.host = host;
      this.cancel = host.cancelToken();
      this.answer = new StringBuilder(host.answerSoFar());
    }

    TurnEnd run() {
      try {
        List<ChatMessage> history = host.context();
        startConversation();
        for (int iteration = 0; iteration < settings.maxIterations(); iteration++) {
          checkCancelled();
          ConversationMessage last = own.get(own.size() - 1);
          List<ToolCall> unanswered = unansweredCalls();
          if (!unanswered.isEmpty()) {
            for (ToolCall call : unanswered) {
              checkCancelled();
              answerCall(call, workspace());
            }
          } else if (last.role() == ConversationMessage.Role.ASSISTANT) {
            return completed();
          }
          ChatResult result = ask(history);
          appendMessage(
              ConversationMessage.Role.ASSISTANT,
              result.text(),
              result.toolCalls(),
              Optional.empty(),
              Optional.empty());
          if (result.toolCalls().isEmpty()) {
            return completed();
          }
        }
        if (unansweredCalls().isEmpty()
            && own.get(own.size() - 1).role() == ConversationMessage.Role.ASSISTANT) {
          return completed();
        }
        throw new Stop(
            TurnErrorCode.ITERATION_LIMIT,
            "The model was still calling tools after "
                + settings.maxIterations()
                + " rounds; the run was stopped.");
      } catch (Stop stop) {
        return ended(stop.code, stop.getMessage());
      }
    }

    /**
     * The workspace, checked when the first tool call needs it rather than before the first LLM
     * request, which does not wait for it.
     */
    private Workspace workspace() {
      if (workspace == null) {
        try {
          workspace = Workspace.open(host.workspace());
        } catch (WorkspaceInvalid e) {
          throw new Stop(TurnErrorCode.INTERNAL, e.getMessage());
        }
      }
      return workspace;
    }

    /** Loads what this run already stored, or copies what it resumes, or stores the ask. */
    private void startConversation() {
      own.addAll(
          host.begin(
              message ->
                  appendMessage(
                      message.role(),
                      message.content(),
                      message.toolCalls(),
                      message.toolCallId(),
                      message.toolName())));
      if (own.isEmpty()) {
        appendMessage(
            ConversationMessage.Role.USER,
            host.userMessage(),
            List.of(),
            Optional.empty(),
            Optional.empty());
      }
    }

    private List<ToolCall> unansweredCalls() {
      for (int i = own.size() - 1; i >= 0; i--) {
        ConversationMessage message = own.get(i);
        if (message.role() == ConversationMessage.Role.ASSISTANT) {
          Set<String> answered = new java.util.HashSet<>();
          for (ConversationMessage later : own.subList(i + 1, own.size())) {
            later.toolCallId().ifPresent(answered::add);
          }
          return message.toolCalls().stream().filter(c -> !answered.contains(c.id())).toList();
        }
      }
      return List.of();
    }

    private ChatResult ask(List<ChatMessage> history) {
      List<ChatMessage> messages = new ArrayList<>(history);
      own.forEach(m -> messages.add(toChat(m)));
      ChatRequest request = ChatRequest.of(messages, tools.definitions());
      if (host.model().isPresent()) {
        request = request.withModel(host.model().get());
      }
      StreamListener listener =
          new StreamListener() {
            @Override
            public void onRequestSent() {
              host.llmRequestSent();
            }

            @Override
            public void onText(String text) {
              answer.append(text);
              host.onText(text);
              saveTextNowAndThen();
            }
          };
      long sentAtMillis = stopwatch.elapsed().toMillis();
      LlmCall call = llm.stream(request, listener);
      try (CancelToken.Registration ignored = cancel.onCancel(call::cancel)) {
        ChatResult result = call.await();
        result
            .usage()
            .ifPresent(
                usage -> {
                  usageKnown = true;
                  promptTokens += usage.promptTokens();
                  completionTokens += usage.completionTokens();
                });
        if (ttftMillis.isEmpty()) {
          ttftMillis =
              result.timings().timeToFirstToken().map(first -> sentAtMillis + first.toMillis());
        }
        return result;
      } catch (LlmException e) {
        checkCancelled();
        throw new Stop(codeOf(e.code()), e.getMessage());
      }
    }

    private void saveTextNowAndThen() {
      long now = System.nanoTime();
      if (now - lastSaveNanos >= SAVE_TEXT_EVERY_NANOS) {
        lastSaveNanos = now;
        host.saveText(answer.toString());
      }
    }

    /** Decides and (maybe) runs one tool call; stores its result. */
    private void answerCall(ToolCall call, Workspace workspace) {
      Optional<Tool> tool = tools.find(call.name());
      ToolPolicy policy =
          tool.map(
                  t ->
                      ToolPolicies.effectivePolicy(t, settings.policies(), host.policyOverrides())
                          .policy())
              .orElse(ToolPolicy.ALLOW);
      String preview = ToolPreview.of(call, ToolPreview.DEFAULT_MAX_CHARS);
      switch (policy) {
        case ALLOW -> execute(call, workspace, preview);
        case DENY ->
            refuse(
                call,
                "Denied by policy: the "
                    + call.name()
                    + " tool is not allowed here. Do not retry it.");
        case ASK -> {
          Approval decided = approval(call);
          switch (decided.status()) {
            case APPROVED -> execute(call, workspace, preview);
            case DENIED ->
                refuse(
                    call,
                    "The user denied this call"
                        + decided.reason().filter(r -> !r.isBlank()).map(r -> ": " + r).orElse(".")
                        + " Do not retry it.");
            case EXPIRED -> {
              if (approvals.settings().timeoutAction() == ApprovalSettings.TimeoutAction.CANCEL) {
                throw new Stop(
                    TurnErrorCode.CANCELLED,
                    "Approval " + decided.id() + " expired; the run was cancelled.");
              }
              refuse(call, "Nobody approved this call in time; it was not run.");
            }
            case CANCELLED, PENDING ->
                throw new Stop(TurnErrorCode.CANCELLED, "Cancelled while waiting for approval.");
          }
        }
      }
    }

    /** The decision for a call: one stored earlier (a resumed turn), or a new request's. */
    private Approval approval(ToolCall call) {
      Approval approval =
          host.earlierApproval(call).orElseGet(() -> approvals.request(host.approvalRequest(call)));
      if (approval.status() != ApprovalStatus.PENDING) {
        return approval;
      }
      CompletableFuture<Approval> waiter = approvals.awaitResolution(approval.id());
      host.onAwaitingApproval(approval);
      try (CancelToken.Registration ignored = cancel.onCancel(() -> waiter.cancel(false))) {
        while (true) {
          try {
            return waiter.get(APPROVAL_POLL.toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            checkCancelled();
          } catch (java.util.concurrent.CancellationException e) {
            checkCancelled();
            throw new Stop(TurnErrorCode.CANCELLED, "Cancelled while waiting for approval.");
          } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for approval " + approval.id() + " failed", e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop(TurnErrorCode.CANCELLED, "Interrupted while waiting for approval.");
          }
        }
      } finally {
        approvals.stopWaiting(approval.id());
        host.onApprovalEnded(approval);
      }
    }

    private void execute(ToolCall call, Workspace workspace, String preview) {
      host.onToolStarted(call, preview);
      Stopwatch ran = Stopwatch.start();
      ToolResult result;
      try {
        result =
            tools.invoke(
                call,
                new ToolContext(workspace, settings.limits(), cancel, host.toolEnvironment()));
      } catch (RuntimeException e) {
        log.error("tool failed conversation={} tool={}", host.conversationId(), call.name(), e);
        result = ToolResult.error("The tool failed: " + e.getMessage());
      }
      appendMessage(
          ConversationMessage.Role.TOOL,
          result.content(),
          List.of(),
          Optional.of(call.id()),
          Optional.of(call.name()));
      host.onToolFinished(
          call,
          result.outcome().wireName(),
          ToolPreview.cut(result.content(), ToolPreview.DEFAULT_MAX_CHARS),
          ran.elapsed().toMillis());
      if (result.outcome() == ToolOutcome.CANCELLED) {
        checkCancelled();
      }
    }

    private void refuse(ToolCall call, String message) {
      appendMessage(
          ConversationMessage.Role.TOOL,
          message,
          List.of(),
          Optional.of(call.id()),
          Optional.of(call.name()));
      host.onToolFinished(call, "denied", message, 0);
    }

    private void appendMessage(
        ConversationMessage.Role role,
        String content,
        List<ToolCall> calls,
        Optional<String> toolCallId,
        Optional<String> toolName) {
      ConversationMessage message =
          new ConversationMessage(
              host.conversationId(),
              own.size(),
              role,
              content,
              calls,
              toolCallId,
              toolName,
              clock.instant());
      if (role == ConversationMessage.Role.ASSISTANT) {
        host.appendAnswer(message, answer.toString());
      } else {
        host.append(message);
      }
      own.add(message);
    }

    private void checkCancelled() {
      if (cancel.isCancelled()) {
        throw new Stop(
            TurnErrorCode.CANCELLED,
            host.shuttingDown() ? "The daemon is stopping." : "Cancelled while running.");
      }
    }

    private TurnEnd completed() {
      return new TurnEnd(
          TurnStatus.COMPLETED,
          answer.toString(),
          Optional.empty(),
          usageKnown
              ? Optional.of(new Turn.TokenUsage(promptTokens, completionTokens))
              : Optional.empty(),
          clock.instant(),
          ttftMillis,
          Optional.of(stopwatch.elapsed().toMillis()));
    }

    private TurnEnd ended(TurnErrorCode code, String message) {
      TurnStatus status =
          code == TurnErrorCode.CANCELLED ? TurnStatus.CANCELLED : TurnStatus.FAILED;
      return new TurnEnd(
          status,
          answer.toString(),
          Optional.of(new Turn.TurnError(code, message)),
          usageKnown
              ? Optional.of(new Turn.TokenUsage(promptTokens, completionTokens))
              : Optional.empty(),
          clock.instant(),
          ttftMillis,
          Optional.of(stopwatch.elapsed().toMillis()));
    }
  }

  static ChatMessage toChat(ConversationMessage message) {
    return switch (message.role()) {
      case USER -> new ChatMessage.User(message.content());
      case ASSISTANT -> new ChatMessage.Assistant(message.content(), message.toolCalls());
      case TOOL ->
          new ChatMessage.ToolResult(
              message.toolCallId().orElse(""), message.toolName().orElse(""), message.content());
    };
  }

  private static TurnErrorCode codeOf(ErrorCode code) {
    return switch (code) {
      case LLM_UNREACHABLE -> TurnErrorCode.LLM_UNREACHABLE;
      case NO_MODEL_LOADED -> TurnErrorCode.NO_MODEL_LOADED;
      case LLM_TIMEOUT -> TurnErrorCode.LLM_TIMEOUT;
      case CANCELLED -> TurnErrorCode.CANCELLED;
      default -> TurnErrorCode.LLM_ERROR;
    };
  }
}
