package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one run of the {@code capstan} command did.
 *
 * <p>Immutable.
 *
 * @param args the arguments after {@code capstan}
 * @param exitCode the process exit status
 * @param stdout everything it printed on standard output
 * @param stderr everything it printed on standard error
 */
record CliResult(List<String> args, int exitCode, String stdout, String stderr) {
  private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");

  CliResult {
    args = List.copyOf(args);
  }

  /** Asserts the exit status, showing the whole run when it differs. */
  CliResult assertExit(int expected) {
    assertThat(exitCode).as("exit status of %s", this).isEqualTo(expected);
    return this;
  }

  /** Standard output and standard error together. */
  String output() {
    return stdout + stderr;
  }

  /** The pid a message such as {@code started at URL (pid 123)} names on either stream. */
  Optional<Long> mentionedPid() {
    Matcher matcher = PID.matcher(output());
    return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
  }

  @Override
  public String toString() {
    return "capstan "
        + String.join(" ", args)
        + " (exit "
        + exitCode
        + ")\n--- stdout\n"
        + stdout
        + "--- stderr\n"
        + stderr
        + "---";
  }
}
