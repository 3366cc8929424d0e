package dev.capstan.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How to start another JVM running Capstan (used to spawn a detached daemon).
 *
 * @param javaBinary the {@code java} executable of this JVM
 * @param classpath this JVM's class path (the shaded jar when run from it)
 * @param mainClass the entry point
 * @param jvmOptions extra JVM options for the daemon
 */
public record LaunchSpec(
    String javaBinary, String classpath, String mainClass, List<String> jvmOptions) {
  public LaunchSpec {
    Objects.requireNonNull(javaBinary, "javaBinary");
    Objects.requireNonNull(classpath, "classpath");
    Objects.requireNonNull(mainClass, "mainClass");
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The spec for re-running this JVM's own class path with {@code mainClass}. */
  public static LaunchSpec ofCurrentJvm(String mainClass, List<String> jvmOptions) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    // why: the daemon runs with its home as working directory, so relative entries would break.
    String classpath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.isBlank())
            .map(entry -> Path.of(entry).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator));
    return new LaunchSpec(java, classpath, mainClass, jvmOptions);
  }
}
