package dev.capstan.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.config.CapstanSettings.LlmSettings;
import dev.capstan.error.ErrorCode;
import dev.capstan.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Classifies what went wrong talking to an LLM server into the LLM error codes.
 *
 * <p>Thread-safe (stateless).
 */
final class Failures {
  private Failures() {}

  /**
   * An I/O failure.
   *
   * @param beforeResponse whether no response had started (no status line)
   * @param afterFirstToken whether part of the answer had been delivered
   */
  static LlmException fromIo(
      IOException e,
      String url,
      LlmSettings settings,
      boolean afterFirstToken,
      boolean beforeResponse) {
    if (isUnreachable(e)) {
      String what =
          e instanceof HttpConnectTimeoutException
              ? "did not accept a connection within " + settings.connectTimeout().toSeconds() + "s"
              : "is unreachable (" + describe(e) + ")";
      return new LlmException(
          ErrorCode.LLM_UNREACHABLE,
          "LLM server at " + url + " " + what,
          ErrorMessages.hintFor(ErrorCode.LLM_UNREACHABLE, url),
          afterFirstToken,
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return new LlmException(
          ErrorCode.LLM_TIMEOUT,
          "LLM server at " + url + " did not answer in time",
          ErrorMessages.hintFor(ErrorCode.LLM_TIMEOUT, url),
          afterFirstToken,
          e);
    }
    String message =
        beforeResponse
            ? "LLM server at "
                + url
                + " closed the connection before answering ("
                + describe(e)
                + ")"
            : "LLM server at " + url + " dropped the stream mid-answer (" + describe(e) + ")";
    return new LlmException(
        ErrorCode.LLM_ERROR,
        message,
        ErrorMessages.hintFor(ErrorCode.LLM_ERROR, url),
        afterFirstToken,
        e);
  }

  /** Whether {@code e} means nothing listens at the address (refused, unknown host, no route). */
  static boolean isUnreachable(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException
          || cause instanceof UnknownHostException
          || cause instanceof UnresolvedAddressException
          || cause instanceof java.net.NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  /** An HTTP error status (before any streaming). */
  static LlmException fromStatus(int status, String body, String url, String what) {
    String message = messageOf(body);
    if ((status == 404 || status == 400 || status == 422 || status == 503 || status == 500)
        && ErrorMessages.looksLikeMissingModel(message)) {
      return new LlmException(
          ErrorCode.NO_MODEL_LOADED,
          "LLM server at " + url + " has no such model loaded: " + message,
          ErrorMessages.hintFor(ErrorCode.NO_MODEL_LOADED, url));
    }
    String hint =
        status == 401 || status == 403
            ? "The LLM server refused the API key: set CAPSTAN_LLM_API_KEY or write it to"
                + " <home>/secrets/llm-api-key (mode 0600)."
            : ErrorMessages.hintFor(ErrorCode.LLM_ERROR, url);
    return new LlmException(
        ErrorCode.LLM_ERROR,
        "LLM server at " + url + " answered " + what + " with HTTP " + status + ": " + message,
        hint);
  }

  /** Whether a failed status is worth a retry before the first token. */
  static boolean retryableStatus(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  private static String messageOf(String body) {
    if (body.isBlank()) {
      return "(empty body)";
    }
    try {
      JsonNode node = Json.mapper().readTree(body);
      if (node != null && node.isObject()) {
        return ErrorMessages.of(node.has("error") ? node.get("error") : node);
      }
    } catch (IOException e) {
      // not JSON: the text itself is the message
    }
    return StreamDecoder.excerpt(body);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
