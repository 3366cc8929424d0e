package dev.capstan.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.config.CapstanSettings.LlmSettings;
import dev.capstan.error.ErrorCode;
import dev.capstan.llm.testing.LlmScript;
import dev.capstan.llm.testing.ScriptedLlmServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleClientTest {
  private final ScriptedLlmServer llm = ScriptedLlmServer.start();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void stop() {
    llm.close();
  }

  static LlmSettings fast(URI url) {
    return new LlmSettings(
        url,
        Optional.empty(),
        Duration.ofSeconds(2),
        Duration.ofMillis(800),
        Duration.ofMillis(500),
        Duration.ofSeconds(20),
        2,
        Duration.ofSeconds(30));
  }

  private OpenAiCompatibleClient client() {
    return client(fast(llm.baseUrl()), Optional.empty());
  }

  private static OpenAiCompatibleClient client(LlmSettings settings, Optional<LlmApiKey> key) {
    return new OpenAiCompatibleClient(settings, key, CircuitBreaker.withDefaults());
  }

  private static ChatRequest hello() {
    return ChatRequest.of(List.of(new ChatMessage.User("hello")), List.of());
  }

  private LlmException failure(OpenAiCompatibleClient client) {
    try {
      client.complete(hello(), listener);
    } catch (LlmException e) {
      return e;
    }
    throw new AssertionError("the request succeeded");
  }

  @Test
  void streamed_tokens_reach_the_listener_in_order_and_make_the_result() {
    llm.enqueue(
        LlmScript.stream()
            .text("Hel")
            .text("lo, ")
            .text("world")
            .finish("stop")
            .usage(7, 3)
            .done());

    ChatResult result = client().complete(hello(), listener);

    assertThat(listener.texts).containsExactly("Hel", "lo, ", "world");
    assertThat(result.text()).isEqualTo("Hello, world");
    assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(result.usage()).contains(new Usage(7, 3, 10));
    assertThat(result.model()).isEqualTo("test-model");
    assertThat(result.timings().timeToFirstToken()).isPresent();
    assertThat(result.timings().attempts()).isEqualTo(1);
    assertThat(llm.chatBodies().getFirst().path("stream").asBoolean()).isTrue();
    assertThat(llm.chatBodies().getFirst().path("stream_options").path("include_usage").asBoolean())
        .isTrue();
  }

  @Test
  void chunked_tool_call_arguments_are_assembled_into_one_call() {
    llm.enqueue(
        LlmScript.stream()
            .text("Let me look.")
            .toolCall(0, "call_a", "read_file", "{\"path\":\"src/Main.java\"}", 3)
            .toolCall(1, "call_b", "list_dir", "", 3)
            .finish("tool_calls")
            .done());

    ChatResult result = client().complete(hello(), listener);

    assertThat(listener.toolCalls)
        .containsExactly(
            new ToolCall("call_a", "read_file", "{\"path\":\"src/Main.java\"}"),
            new ToolCall("call_b", "list_dir", "{}"));
    assertThat(result.toolCalls()).isEqualTo(listener.toolCalls);
    assertThat(result.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void tools_and_history_are_sent_in_the_chat_completions_shape() {
    com.fasterxml.jackson.databind.JsonNode schema =
        dev.capstan.json.Json.mapper().createObjectNode().put("type", "object");
    ChatRequest request =
        ChatRequest.of(
            List.of(
                new ChatMessage.System("be brief"),
                new ChatMessage.User("read a"),
                new ChatMessage.Assistant("", List.of(new ToolCall("c1", "read_file", "{}"))),
                new ChatMessage.ToolResult("c1", "read_file", "contents")),
            List.of(new ToolDefinition("read_file", "reads", schema)));

    client().complete(request, listener);

    var body = llm.chatBodies().getFirst();
    assertThat(body.path("tools").get(0).path("function").path("name").asText())
        .isEqualTo("read_file");
    assertThat(body.path("messages").get(2).path("tool_calls").get(0).path("id").asText())
        .isEqualTo("c1");
    assertThat(body.path("messages").get(3).path("tool_call_id").asText()).isEqualTo("c1");
    assertThat(body.path("messages").get(3).path("role").asText()).isEqualTo("tool");
  }

  @Test
  void a_stall_before_the_first_token_is_a_timeout_without_retry() {
    llm.enqueue(LlmScript.stream().comment("loading model").stall());

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_TIMEOUT);
    assertThat(e.getMessage()).contains("llm.firstTokenTimeout");
    assertThat(llm.chatRequests()).isEqualTo(1);
  }

  @Test
  void a_stall_mid_stream_is_an_idle_timeout_after_the_tokens_already_delivered() {
    llm.enqueue(LlmScript.stream().text("partial").stall());

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_TIMEOUT);
    assertThat(e.getMessage()).contains("llm.idleTimeout");
    assertThat(e.afterFirstToken()).isTrue();
    assertThat(listener.text()).isEqualTo("partial");
    assertThat(llm.chatRequests()).isEqualTo(1);
  }

  @Test
  void a_500_is_an_llm_error_and_not_retried() {
    llm.enqueue(LlmScript.status(500, "{\"error\":{\"message\":\"CUDA out of memory\"}}"));

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_ERROR);
    assertThat(e.getMessage()).contains("HTTP 500").contains("CUDA out of memory");
    assertThat(llm.chatRequests()).isEqualTo(1);
  }

  @Test
  void a_503_before_streaming_is_retried_with_backoff() {
    llm.enqueue(LlmScript.status(503, "{\"error\":\"busy\"}"));
    llm.enqueue(LlmScript.status(429, "{\"error\":\"slow down\"}").header("Retry-After", "0"));
    llm.enqueue(LlmScript.reply("fine"));

    ChatResult result = client().complete(hello(), listener);

    assertThat(result.text()).isEqualTo("fine");
    assertThat(result.timings().attempts()).isEqualTo(3);
    assertThat(llm.chatRequests()).isEqualTo(3);
  }

  @Test
  void retries_stop_after_the_configured_number() {
    llm.otherwise(LlmScript.status(502, "bad gateway"));

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_ERROR);
    assertThat(llm.chatRequests()).isEqualTo(3);
  }

  @Test
  void a_drop_after_the_first_token_is_an_error_and_never_retried() {
    llm.enqueue(LlmScript.stream().text("half an ans").drop());
    llm.enqueue(LlmScript.reply("must not be played"));

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_ERROR);
    assertThat(e.afterFirstToken()).isTrue();
    assertThat(listener.text()).isEqualTo("half an ans");
    assertThat(llm.chatRequests()).isEqualTo(1);
  }

  @Test
  void a_tool_call_is_never_delivered_twice_when_the_stream_drops_after_it() {
    llm.enqueue(
        LlmScript.stream().toolCall(0, "c1", "run_command", "{\"command\":\"make\"}", 4).drop());
    llm.enqueue(LlmScript.callTool("c1", "run_command", "{\"command\":\"make\"}"));

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_ERROR);
    assertThat(llm.chatRequests()).isEqualTo(1);
    assertThat(listener.toolCalls).isEmpty();
  }

  @Test
  void a_drop_before_any_token_is_retried() {
    llm.enqueue(LlmScript.stream().comment("warming up").drop());
    llm.enqueue(LlmScript.closeWithoutAnswer());
    llm.enqueue(LlmScript.reply("second try"));

    ChatResult result = client().complete(hello(), listener);

    assertThat(result.text()).isEqualTo("second try");
    assertThat(llm.chatRequests()).isEqualTo(3);
  }

  @Test
  void a_server_that_is_down_is_unreachable() {
    OpenAiCompatibleClient client =
        client(fast(ScriptedLlmServer.closedPortUrl()), Optional.empty());

    LlmException e = failure(client);

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_UNREACHABLE);
    assertThat(e.getMessage()).contains("is unreachable");
    assertThat(e.hint()).contains("CAPSTAN_LLM_URL");
  }

  @Test
  void missing_usage_and_a_missing_done_after_a_finish_reason_are_tolerated() {
    llm.enqueue(LlmScript.stream().text("ok").finish("eos"));

    ChatResult result = client().complete(hello(), listener);

    assertThat(result.text()).isEqualTo("ok");
    assertThat(result.usage()).isEmpty();
    assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void a_stream_that_ends_without_finish_or_done_after_tokens_is_an_error() {
    llm.enqueue(LlmScript.stream().text("cut"));

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_ERROR);
    assertThat(e.getMessage()).contains("closed the stream before the answer was complete");
    assertThat(llm.chatRequests()).isEqualTo(1);
  }

  @Test
  void comment_lines_event_names_crlf_and_reasoning_are_handled() {
    llm.enqueue(
        LlmScript.stream()
            .comment("ping")
            .raw("event: message\r\n")
            .raw("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\r\n\r\n")
            .reasoning("thinking...")
            .raw(": keep-alive\r\n\r\n")
            .text("answer")
            .raw(
                "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\r\n\r\n")
            .raw("data: [DONE]\r\n\r\n"));

    ChatResult result = client().complete(hello(), listener);

    assertThat(result.text()).isEqualTo("answer");
    assertThat(result.reasoning()).isEqualTo("thinking...");
    assertThat(listener.reasoning).containsExactly("thinking...");
    assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void a_utf8_character_split_across_writes_arrives_whole() {
    byte[] chunk =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Grüße 🚀\"}}]}\n\n"
            .getBytes(StandardCharsets.UTF_8);
    int split = indexOf(chunk, (byte) 0xF0) + 2;
    llm.enqueue(
        LlmScript.stream()
            .rawBytes(Arrays.copyOfRange(chunk, 0, split))
            .pause(Duration.ofMillis(50))
            .rawBytes(Arrays.copyOfRange(chunk, split, chunk.length))
            .finish("stop")
            .done());

    ChatResult result = client().complete(hello(), listener);

    assertThat(result.text()).isEqualTo("Grüße 🚀");
  }

  @Test
  void an_error_object_inside_the_stream_is_an_llm_error() {
    llm.enqueue(LlmScript.stream().text("so").streamError("context length exceeded"));

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_ERROR);
    assertThat(e.getMessage()).contains("context length exceeded");
  }

  @Test
  void an_unknown_model_is_no_model_loaded() {
    llm.enqueue(
        LlmScript.status(
            404,
            "{\"error\":{\"message\":\"model \\\"qwen9\\\" not found, try pulling it first\"}}"));

    LlmException e = failure(client());

    assertThat(e.code()).isEqualTo(ErrorCode.NO_MODEL_LOADED);
    assertThat(llm.chatRequests()).isEqualTo(1);
  }

  @Test
  void lm_studio_without_a_loaded_model_is_no_model_loaded() {
    llm.enqueue(
        LlmScript.status(400, "{\"error\":\"No models loaded. Please load a model first.\"}"));

    assertThat(failure(client()).code()).isEqualTo(ErrorCode.NO_MODEL_LOADED);
  }

  @Test
  void without_a_configured_model_the_first_listed_is_used_and_none_listed_fails() {
    llm.models("first-model", "second-model");

    client().complete(hello(), listener);

    assertThat(llm.chatBodies().getFirst().path("model").asText()).isEqualTo("first-model");

    llm.models();
    LlmException e = failure(client());
    assertThat(e.code()).isEqualTo(ErrorCode.NO_MODEL_LOADED);
  }

  @Test
  void list_models_returns_the_ids() {
    llm.models("a", "b");

    assertThat(client().listModels()).containsExactly("a", "b");
  }

  @Test
  void the_api_key_is_sent_only_when_set() {
    client().complete(hello(), listener);
    client(fast(llm.baseUrl()), Optional.of(LlmApiKey.of("sk-secret"))).complete(hello(), listener);

    assertThat(llm.authorizations())
        .containsExactly(Optional.empty(), Optional.of("Bearer sk-secret"));
  }

  @Test
  void a_server_that_rejects_stream_options_is_asked_again_without_them() {
    llm.enqueue(
        LlmScript.status(400, "{\"error\":{\"message\":\"Unrecognized field: stream_options\"}}"));
    llm.enqueue(LlmScript.reply("works"));
    llm.enqueue(LlmScript.reply("again"));
    OpenAiCompatibleClient client = client();

    ChatResult first = client.complete(hello(), listener);
    client.complete(hello(), listener);

    assertThat(first.text()).isEqualTo("works");
    assertThat(llm.chatBodies().get(1).has("stream_options")).isFalse();
    assertThat(llm.chatBodies().get(2).has("stream_options")).isFalse();
  }

  @Test
  void cancel_aborts_promptly_and_no_callback_follows() {
    llm.enqueue(LlmScript.stream().text("one").stall().text("two").finish("stop").done());
    LlmSettings slow =
        new LlmSettings(
            llm.baseUrl(),
            Optional.empty(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            2,
            Duration.ofSeconds(30));
    LlmCall call = client(slow, Optional.empty()).stream(hello(), listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.texts.contains("one"));

    long start = System.nanoTime();
    call.cancel();
    llm.releaseStalls();

    assertThatThrownBy(call::await)
        .isInstanceOfSatisfying(
            LlmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(call.isDone()).isTrue();
    assertThat(listener.texts).containsExactly("one");
  }

  @Test
  void the_total_timeout_bounds_a_slow_trickle() {
    LlmScript trickle = LlmScript.stream();
    for (int i = 0; i < 40; i++) {
      trickle.text("x").pause(Duration.ofMillis(100));
    }
    llm.enqueue(trickle.finish("stop").done());
    LlmSettings settings =
        new LlmSettings(
            llm.baseUrl(),
            Optional.empty(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofMillis(1500),
            0,
            Duration.ofSeconds(30));

    LlmException e = failure(client(settings, Optional.empty()));

    assertThat(e.code()).isEqualTo(ErrorCode.LLM_TIMEOUT);
    assertThat(e.getMessage()).contains("llm.totalTimeout");
  }

  @Test
  void an_open_breaker_fails_fast_without_touching_the_server_and_a_success_closes_it() {
    CircuitBreaker breaker =
        new CircuitBreaker(2, Duration.ofMinutes(5), Duration.ofMinutes(5), System::nanoTime);
    llm.stop();
    LlmSettings settings =
        new LlmSettings(
            llm.baseUrl(),
            Optional.of("m"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            0,
            Duration.ofSeconds(30));
    OpenAiCompatibleClient client = new OpenAiCompatibleClient(settings, Optional.empty(), breaker);
    failure(client);
    failure(client);
    llm.restart();

    LlmException fast = failure(client);

    assertThat(fast.code()).isEqualTo(ErrorCode.LLM_UNREACHABLE);
    assertThat(fast.getMessage()).contains("failures in a row");
    assertThat(llm.chatRequests()).isZero();

    client.listModels();
    assertThat(client.complete(hello(), listener).text()).isEqualTo("ok");
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    throw new AssertionError("byte not found");
  }
}
