package dev.capstan.id;

import java.security.SecureRandom;

/**
 * Short random ids for sessions, turns and approvals: a prefix and 12 characters of lowercase
 * base-32 (60 bits), safe in URLs, stream names and shells.
 *
 * <p>Thread-safe.
 */
public final class RandomIds {
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
  private static final int LENGTH = 12;

  private final SecureRandom random;

  public RandomIds(SecureRandom random) {
    this.random = random;
  }

  /** A new id such as {@code s_7kq2m9xw4hbc}. */
  public String next(String prefix) {
    StringBuilder id = new StringBuilder(prefix.length() + 1 + LENGTH).append(prefix).append('_');
    for (int i = 0; i < LENGTH; i++) {
      id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return id.toString();
  }
}
