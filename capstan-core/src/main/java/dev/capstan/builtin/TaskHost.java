package dev.capstan.builtin;

import dev.capstan.agent.InProcessLaunch;
import dev.capstan.approval.Approval;
import dev.capstan.approval.ApprovalRequest;
import dev.capstan.llm.ChatMessage;
import dev.capstan.llm.ToolCall;
import dev.capstan.runtime.RunMarker;
import dev.capstan.session.AgentLoop;
import dev.capstan.session.ConversationMessage;
import dev.capstan.session.LoopHost;
import dev.capstan.task.TaskWaits;
import dev.capstan.tool.CancelToken;
import dev.capstan.tool.ToolPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The host of a task's attempt: the conversation lives in memory for the attempt (a new attempt
 * starts from the prompt again), everything the agent does is written to the task's output, and
 * approvals belong to the task and show as its {@code pendingReason}.
 *
 * <p>Confined to the attempt's loop thread, except {@link #waitingFor()} and the cancel token.
 */
final class TaskHost implements LoopHost {
  private final InProcessLaunch launch;
  private final TaskWaits waits;
  private final CancelToken cancel = new CancelToken();
  private final AtomicReference<Approval> waitingFor = new AtomicReference<>();
  private final Runnable activity;
  private boolean midLine;

  TaskHost(InProcessLaunch launch, TaskWaits waits, Runnable activity) {
    this.launch = launch;
    this.waits = waits;
    this.activity = activity;
  }

  /** The approval the attempt waits for now, if any. */
  Optional<Approval> waitingFor() {
    return Optional.ofNullable(waitingFor.get());
  }

  @Override
  public Path workspace() {
    return launch.workspace();
  }

  @Override
  public Optional<String> model() {
    return Optional.empty();
  }

  @Override
  public String conversationId() {
    return "task-" + launch.task().taskId() + "-" + launch.task().attempt();
  }

  @Override
  public List<ChatMessage> context() {
    return List.of(new ChatMessage.System(AgentLoop.systemPrompt(launch.workspace().toString())));
  }

  @Override
  public List<ConversationMessage> begin(MessageSink sink) {
    return List.of();
  }

  @Override
  public String userMessage() {
    return launch.task().prompt();
  }

  @Override
  public void append(ConversationMessage message) {
    // why: the loop keeps the attempt's conversation itself; an attempt is never resumed, a
    // retry starts again from the prompt on the same branch.
  }

  @Override
  public void saveText(String text) {}

  @Override
  public void onText(String text) {
    if (!text.isEmpty()) {
      write(text);
    }
  }

  @Override
  public void onToolStarted(ToolCall call, String preview) {
    line(BuiltinAgent.TOOL_PREFIX + call.name() + " " + oneLine(preview));
  }

  @Override
  public void onToolFinished(ToolCall call, String outcome, String preview, long millis) {
    line(
        BuiltinAgent.TOOL_PREFIX
            + call.name()
            + " -> "
            + outcome
            + " ("
            + millis
            + " ms): "
            + oneLine(preview));
  }

  @Override
  public Map<String, ToolPolicy> policyOverrides() {
    return Map.of();
  }

  @Override
  public Optional<Approval> earlierApproval(ToolCall call) {
    return Optional.empty();
  }

  @Override
  public ApprovalRequest approvalRequest(ToolCall call) {
    return ApprovalRequest.ofTask(launch.task().taskId(), call.id(), call.name(), call.arguments());
  }

  @Override
  public void onAwaitingApproval(Approval approval) {
    waitingFor.set(approval);
    String reason = "waiting for approval " + approval.id() + " (" + approval.tool() + ")";
    line(
        "[approval] "
            + reason
            + ": capstan approve "
            + approval.id()
            + " | capstan deny "
            + approval.id());
    waits.waiting(launch.task().taskId(), launch.repo(), reason);
  }

  @Override
  public void onApprovalEnded(Approval approval) {
    waitingFor.compareAndSet(approval, null);
    waits.clear(launch.task().taskId(), launch.repo());
  }

  @Override
  public Map<String, String> toolEnvironment() {
    // why: the same marker a process agent's tree carries, and nothing else of the daemon's
    // environment: a command still running when the daemon dies is then an orphan of this attempt.
    return Map.of(RunMarker.ENV, launch.marker().value());
  }

  @Override
  public CancelToken cancelToken() {
    return cancel;
  }

  @Override
  public boolean shuttingDown() {
    return false;
  }

  /** Writes the last line end of the answer, if the answer did not end with one. */
  void endOutput() {
    if (midLine) {
      write("\n");
    }
  }

  private void line(String text) {
    write((midLine ? "\n" : "") + text + "\n");
  }

  private void write(String text) {
    launch.sink().accept(text);
    midLine = !text.endsWith("\n");
    activity.run();
  }

  private static String oneLine(String text) {
    return text.replace('\r', ' ').replace('\n', ' ');
  }
}
