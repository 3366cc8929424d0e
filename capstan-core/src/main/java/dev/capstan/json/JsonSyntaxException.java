package dev.capstan.json;

/** Text handed to {@link JsonText} is not the JSON it expected. Names the offset of the problem. */
public final class JsonSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int offset;

  /**
   * @param problem what is wrong
   * @param offset where, in characters from the start
   */
  public JsonSyntaxException(String problem, int offset) {
    super(problem + " at offset " + offset);
    this.offset = offset;
  }

  /** Where the problem is, in characters from the start of the text. */
  public int offset() {
    return offset;
  }
}
