package dev.capstan.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorCodeTest {

  @ParameterizedTest
  @CsvSource({
    "400, BAD_REQUEST",
    "401, UNAUTHORIZED",
    "403, FORBIDDEN",
    "404, NOT_FOUND",
    "405, METHOD_NOT_ALLOWED",
    "409, CONFLICT",
    "413, PAYLOAD_TOO_LARGE",
    "414, URI_TOO_LONG",
    "415, UNSUPPORTED_MEDIA_TYPE",
    "431, HEADERS_TOO_LARGE",
    "500, INTERNAL",
    "503, SERVICE_UNAVAILABLE",
    "418, BAD_REQUEST",
    "422, BAD_REQUEST",
    "502, INTERNAL",
    "504, INTERNAL"
  })
  void for_status_maps_a_bare_status_to_its_code(int status, ErrorCode expected) {
    assertThat(ErrorCode.forStatus(status)).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void for_status_of_a_codes_own_status_keeps_the_status(ErrorCode code) {
    ErrorCode mapped = ErrorCode.forStatus(code.httpStatus());

    assertThat(mapped.httpStatus()).isEqualTo(code.httpStatus());
  }

  @Test
  void for_status_keeps_client_and_server_errors_apart() {
    for (int status = 400; status <= 599; status++) {
      ErrorCode code = ErrorCode.forStatus(status);

      assertThat(code.httpStatus() / 100).as("class of %d", status).isEqualTo(status / 100);
    }
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void every_code_is_snake_case_and_an_error_status(ErrorCode code) {
    assertThat(code.name()).matches("[A-Z]+(_[A-Z]+)*");
    assertThat(code.httpStatus()).isBetween(400, 599);
  }

  @Test
  void codes_are_unique() {
    assertThat(Arrays.stream(ErrorCode.values()).map(Enum::name)).doesNotHaveDuplicates();
  }
}
