package dev.capstan.tool;

import java.nio.charset.StandardCharsets;

/**
 * Cutting tool output to a byte cap without breaking a UTF-8 character.
 *
 * <p>Thread-safe (stateless).
 */
final class TextCaps {
  private TextCaps() {}

  /** Whether {@code bytes} looks binary: a NUL in its first 8 KiB, or not valid UTF-8 there. */
  static boolean looksBinary(byte[] bytes, int length) {
    int limit = Math.min(length, 8192);
    for (int i = 0; i < limit; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      // why: the cut at the limit may split a character; allow up to 3 bytes of it.
      int end = limit;
      while (end > 0 && end > limit - 3 && end < length && (bytes[end] & 0xC0) == 0x80) {
        end--;
      }
      decoder.decode(java.nio.ByteBuffer.wrap(bytes, 0, end));
      return false;
    } catch (java.nio.charset.CharacterCodingException e) {
      return true;
    }
  }

  /** {@code text} cut to at most {@code maxBytes} of UTF-8, on a character boundary. */
  static String cut(String text, long maxBytes) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return text;
    }
    int end = (int) maxBytes;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** The UTF-8 size of {@code text}. */
  static long size(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
