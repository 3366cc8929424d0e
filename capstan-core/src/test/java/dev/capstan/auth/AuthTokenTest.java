package dev.capstan.auth;

import static dev.capstan.testing.Generator.combine;
import static dev.capstan.testing.Generator.strings;
import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthTokenTest {
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** A token's value and a text presented as the token. */
  private record ValueAndCandidate(String value, String candidate) {}

  @Test
  void a_lone_surrogate_does_not_match_a_question_mark_in_the_token() {
    AuthToken token = new AuthToken("ab?cd");

    boolean matched = token.matches("ab\uD800cd");

    assertThat(matched).isFalse();
    assertThat(token.matches("ab?cd")).isTrue();
  }

  @Test
  void matches_the_same_text() {
    AuthToken token = new AuthToken("s3cret-token");

    assertThat(token.matches("s3cret-token")).isTrue();
  }

  @Test
  void does_not_match_null_empty_a_prefix_or_a_longer_text() {
    AuthToken token = new AuthToken("s3cret-token");

    assertThat(token.matches(null)).isFalse();
    assertThat(token.matches("")).isFalse();
    assertThat(token.matches("s3cret")).isFalse();
    assertThat(token.matches("s3cret-token-and-more")).isFalse();
    assertThat(token.matches("S3CRET-TOKEN")).isFalse();
  }

  @Test
  void matches_exactly_the_texts_that_are_equal() {
    forAll(
        1_000,
        combine(strings(1, 50), strings(0, 50), ValueAndCandidate::new),
        texts -> {
          AuthToken token = new AuthToken(texts.value() + "x");

          assertThat(token.matches(texts.candidate()))
              .isEqualTo(texts.candidate().equals(texts.value() + "x"));
        });
  }

  @Test
  void to_string_never_reveals_the_value() {
    forAll(
        1_000,
        strings(LETTERS, 4, 64),
        value -> {
          AuthToken token = new AuthToken(value);

          assertThat(token.toString()).doesNotContain(value).isEqualTo("AuthToken[redacted]");
          assertThat(String.valueOf(token)).doesNotContain(value);
        });
  }

  @Test
  void a_generated_token_is_256_random_bits_in_base64url_without_padding() {
    AuthToken token = AuthToken.generate(new SecureRandom());

    assertThat(token.value()).matches("[A-Za-z0-9_-]{43}");
    assertThat(Base64.getUrlDecoder().decode(token.value())).hasSize(32);
  }

  @Test
  void generated_tokens_differ() {
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < 1_000; i++) {
      seen.add(AuthToken.generate(random).value());
    }

    assertThat(seen).hasSize(1_000);
  }

  @Test
  void a_blank_token_is_rejected() {
    assertThatThrownBy(() -> new AuthToken("  ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuthToken(null)).isInstanceOf(NullPointerException.class);
  }
}
