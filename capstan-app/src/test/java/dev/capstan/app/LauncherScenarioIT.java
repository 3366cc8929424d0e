package dev.capstan.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JDK search the {@code capstan} launcher, {@code run-tests} and CI share. */
@LinuxOnly
class LauncherScenarioIT {
  private static final Path ROOT = Path.of(System.getProperty("capstan.root")).normalize();
  private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

  @Test
  void finds_the_jdk_named_by_capstan_java_and_reports_its_version() throws Exception {
    Result found = findJdk(Map.of("CAPSTAN_JAVA", JAVA), "21");

    assertThat(found.exitCode()).isZero();
    assertThat(found.out())
        .contains("java=" + JAVA)
        .containsPattern("feature=(2[1-9]|[3-9][0-9])\\b")
        .contains("home=" + Path.of(JAVA).toRealPath().getParent().getParent());
  }

  @Test
  void without_a_recent_enough_jdk_it_fails_naming_what_it_looked_at_and_the_fix()
      throws Exception {
    Result missing = findJdk(Map.of("CAPSTAN_JAVA", JAVA), "999");

    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err())
        .contains("no JDK 999 or newer found; looked at:")
        .contains(JAVA + "(")
        .contains("JAVA_HOME")
        .contains("CAPSTAN_JAVA");
  }

  private record Result(int exitCode, String out, String err) {}

  private static Result findJdk(Map<String, String> env, String minJava) throws Exception {
    Path script = ROOT.resolve("scripts/find-jdk.sh");
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                "bash",
                "-c",
                ". \"$1\" && find_java && echo \"java=$JAVA feature=$JAVA_FEATURE"
                    + " home=$JAVA_HOME_FOUND\"",
                "find-jdk",
                script.toString()));
    builder.environment().remove("JAVA_HOME");
    builder.environment().putAll(env);
    builder.environment().put("MIN_JAVA", minJava);
    builder.environment().put("PATH", "/usr/bin:/bin");
    Path out = Files.createTempFile("find-jdk", ".out");
    Path err = Files.createTempFile("find-jdk", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return new Result(process.exitValue(), read(out), read(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
