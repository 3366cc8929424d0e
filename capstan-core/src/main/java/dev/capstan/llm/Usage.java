package dev.capstan.llm;

/**
 * Token counts a server reported for one request.
 *
 * @param promptTokens tokens of the input
 * @param completionTokens tokens generated
 * @param totalTokens their sum as the server reported it
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens) {
  public Usage {
    if (promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, were "
              + promptTokens
              + "/"
              + completionTokens
              + "/"
              + totalTokens);
    }
  }
}
