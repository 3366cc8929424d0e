package dev.capstan.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.error.ErrorCode;
import java.util.Locale;

/**
 * Reading the error messages of OpenAI-compatible servers, and the hints Capstan gives for each LLM
 * error code.
 *
 * <p>Thread-safe (stateless).
 */
final class ErrorMessages {
  private ErrorMessages() {}

  /** The message of an error body: {@code {"error":{"message":...}}}, {@code {"error":"..."}}... */
  static String of(JsonNode error) {
    if (error == null || error.isNull() || error.isMissingNode()) {
      return "(no message)";
    }
    if (error.isTextual()) {
      return StreamDecoder.excerpt(error.asText());
    }
    if (error.has("error")) {
      return of(error.get("error"));
    }
    for (String field : new String[] {"message", "detail", "msg"}) {
      JsonNode value = error.get(field);
      if (value != null && value.isTextual()) {
        return StreamDecoder.excerpt(value.asText());
      }
    }
    return StreamDecoder.excerpt(error.toString());
  }

  /**
   * Whether a server's message says the model is missing or none is loaded (LM Studio "No models
   * loaded", Ollama "model 'x' not found", vLLM "The model `x` does not exist").
   */
  static boolean looksLikeMissingModel(String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    return lower.contains("no models loaded")
        || lower.contains("no model loaded")
        || lower.contains("model not loaded")
        || lower.contains("model is not loaded")
        || lower.contains("no model is loaded")
        || (lower.contains("model")
            && (lower.contains("not found")
                || lower.contains("does not exist")
                || lower.contains("not loaded")
                || lower.contains("unknown model")));
  }

  /** What to do about an error of {@code code} with the server at {@code url}. */
  static String hintFor(ErrorCode code, String url) {
    return switch (code) {
      case LLM_UNREACHABLE ->
          "Start the LLM server (for LM Studio: Developer > Start Server; for Ollama: ollama serve)"
              + " or point Capstan at the right one with CAPSTAN_LLM_URL (now "
              + url
              + "); check with `capstan llm status`.";
      case NO_MODEL_LOADED ->
          "Load a model in the LLM server (for LM Studio: lms load <model>; for Ollama: ollama pull"
              + " <model>) or set CAPSTAN_LLM_MODEL to one it lists; see `capstan llm status`.";
      case LLM_TIMEOUT ->
          "The LLM server is too slow or stuck: check its load, or raise llm.firstTokenTimeout /"
              + " llm.idleTimeout / llm.totalTimeout.";
      case CANCELLED -> "Nothing to do; submit a new turn to go on.";
      default -> "Check the LLM server's log; `capstan llm status` shows whether it is healthy.";
    };
  }
}
