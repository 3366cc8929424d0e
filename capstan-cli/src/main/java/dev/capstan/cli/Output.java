package dev.capstan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capstan.json.Json;
import java.io.PrintStream;
import picocli.CommandLine;

/**
 * Printing helpers shared by the commands: pretty JSON for {@code --json}, and colour only when
 * standard output is a terminal (picocli's detection, which honours {@code NO_COLOR}-style switches
 * such as {@code -Dpicocli.ansi=false}).
 *
 * <p>Thread-safe (stateless).
 */
public final class Output {
  private Output() {}

  /** Prints {@code value} as pretty JSON and a newline. */
  public static void json(PrintStream out, Object value) {
    try {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
    }
  }

  /** {@code text} in {@code style} (for example {@code green}) when colour is on. */
  public static String styled(String style, String text) {
    if (System.getenv("NO_COLOR") != null) {
      return text;
    }
    return CommandLine.Help.Ansi.AUTO.string("@|" + style + " " + text + "|@");
  }
}
