package dev.capstan.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * A bearer token: 256 random bits, base64url without padding. {@link #toString()} never reveals it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the secret text
 */
public record AuthToken(String value) {
  private static final int BYTES = 32;

  public AuthToken {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("token is empty");
    }
  }

  /** A fresh random token. */
  public static AuthToken generate(SecureRandom random) {
    byte[] bytes = new byte[BYTES];
    random.nextBytes(bytes);
    return new AuthToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** Compares in constant time, so response timing reveals nothing about the token. */
  public boolean matches(String candidate) {
    if (candidate == null) {
      return false;
    }
    // why: tokens are ASCII; non-ASCII text (a lone surrogate encodes as '?') never matches.
    boolean ascii = candidate.chars().allMatch(c -> c < 128);
    return MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8))
        && ascii;
  }

  @Override
  public String toString() {
    return "AuthToken[redacted]";
  }
}
