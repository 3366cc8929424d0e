package dev.capstan.error;

/**
 * The stable, SNAKE_CASE error codes of Capstan's one error shape {@code
 * {"error":{"code","message","hint"}}}, each with the HTTP status it maps to.
 *
 * <p>Immutable. Codes are part of the public contract: add, never rename.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  INVALID_JSON(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  NOT_ACCEPTABLE(406),
  CONFLICT(409),
  PAYLOAD_TOO_LARGE(413),
  URI_TOO_LONG(414),
  UNSUPPORTED_MEDIA_TYPE(415),
  RATE_LIMITED(429),
  HEADERS_TOO_LARGE(431),
  CONFIG_INVALID(400),
  UNKNOWN_STREAM(400),
  UNKNOWN_FRAME(400),
  TOO_MANY_SUBSCRIPTIONS(429),
  SHUTTING_DOWN(503),
  SERVICE_UNAVAILABLE(503),
  INTERNAL(500),
  /** The LLM server cannot be reached (connection refused, unknown host, circuit open). */
  LLM_UNREACHABLE(503),
  /** The LLM server answers but the model asked for is not loaded, or none is. */
  NO_MODEL_LOADED(503),
  /** The LLM server did not answer in time (connect, first token, between chunks, total). */
  LLM_TIMEOUT(503),
  /** The LLM server failed the request or broke the stream. */
  LLM_ERROR(500),
  /** The operation was cancelled on request. */
  CANCELLED(409),
  /** A workspace directory does not exist, is not a directory or cannot be used. */
  WORKSPACE_INVALID(400),
  /** A decision for an approval that is no longer pending: the first decision wins. */
  ALREADY_RESOLVED(409),
  INVALID_NAME(400),
  NOT_A_GIT_REPO(400),
  BRANCH_NOT_FOUND(400),
  CLONE_FAILED(400),
  UNKNOWN_AGENT(400),
  RUNTIME_FAILED(500),
  REPO_EXISTS(409),
  REPO_BUSY(409),
  PROMPT_TOO_LARGE(400),
  INVALID_TRANSITION(409),
  RETRY_LIMIT(409);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status a response carrying this code uses. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The code that best describes a bare HTTP status, for errors raised below our handlers. */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> RATE_LIMITED;
      case 431 -> HEADERS_TOO_LARGE;
      case 503 -> SERVICE_UNAVAILABLE;
      default -> status >= 500 ? INTERNAL : BAD_REQUEST;
    };
  }
}
