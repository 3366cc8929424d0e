package dev.capstan.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

  @Test
  void serialises_to_the_one_error_shape() throws Exception {
    ApiError error = ApiError.of(ErrorCode.NOT_FOUND, "No route GET /x.", "GET /api/routes.");

    JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(error));

    assertThat(json.fieldNames()).toIterable().containsExactly("error");
    assertThat(json.get("error").get("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(json.get("error").get("message").asText()).isEqualTo("No route GET /x.");
    assertThat(json.get("error").get("hint").asText()).isEqualTo("GET /api/routes.");
  }

  @Test
  void a_missing_message_or_hint_becomes_empty_text() {
    ApiError error = ApiError.of(ErrorCode.INTERNAL, null, null);

    assertThat(error.error().message()).isEmpty();
    assertThat(error.error().hint()).isEmpty();
  }

  @Test
  void reads_back_what_it_writes() throws Exception {
    ApiError error = ApiError.of(ErrorCode.CONFLICT, "taken", "wait");

    ApiError read =
        Json.mapper().readValue(Json.mapper().writeValueAsString(error), ApiError.class);

    assertThat(read).isEqualTo(error);
  }
}
