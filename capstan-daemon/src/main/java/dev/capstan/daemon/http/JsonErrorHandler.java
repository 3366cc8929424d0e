package dev.capstan.daemon.http;

import dev.capstan.error.ApiError;
import dev.capstan.error.ErrorCode;
import dev.capstan.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error handler, for errors raised before a request reaches Javalin (a malformed request
 * line, headers or URI too large): answers in the one error shape instead of an HTML page.
 *
 * <p>Thread-safe (stateless).
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    ErrorCode errorCode = ErrorCode.forStatus(code);
    byte[] body =
        Json.mapper()
            .writeValueAsBytes(
                ApiError.of(
                    errorCode,
                    message == null ? "HTTP " + code : message,
                    "The request was rejected before it reached Capstan; check its syntax and"
                        + " size."));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
