package dev.capstan.task;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A prompt over the size limit. */
public final class PromptTooLarge extends CapstanException {
  private static final long serialVersionUID = 1L;

  /** For the prompt size and the limit, in bytes. */
  public PromptTooLarge(long bytes, long limit) {
    super(
        ErrorCode.PROMPT_TOO_LARGE,
        "The prompt is " + bytes + " bytes; the limit is " + limit + " bytes.",
        "Shorten the prompt, or put the material in the repo and refer to it.");
  }
}
