package dev.capstan.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import java.net.http.HttpResponse;

/**
 * Asserts that a response carries Capstan's one error shape {@code
 * {"error":{"code","message","hint"}}} with the expected status and code.
 *
 * <p>Stateless.
 */
public final class ErrorShape {
  private ErrorShape() {}

  /** Checks status, content type and shape; returns the {@code error} object. */
  public static JsonNode assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return assertErrorBody(response.body(), code);
  }

  /** Checks the shape of a raw error body; returns the {@code error} object. */
  public static JsonNode assertErrorBody(String body, String code) {
    JsonNode json;
    try {
      json = Json.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
    assertThat(json.isObject()).as("body %s", body).isTrue();
    assertThat(json.fieldNames()).toIterable().containsExactly("error");
    JsonNode error = json.get("error");
    assertThat(error.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("code", "message", "hint");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(body).doesNotContain("Exception").doesNotContain("\tat ");
    return error;
  }
}
