package dev.capstan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmarks ran on.
 *
 * @param cpus logical CPUs available to the JVM
 * @param cpuModel the CPU model name, if the OS tells
 * @param memoryGib total memory in GiB, 0 if unknown
 * @param jdk the JDK running the benchmarks
 * @param os operating system and kernel
 */
record Machine(int cpus, String cpuModel, double memoryGib, String jdk, String os) {
  static Machine current() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        procField("/proc/cpuinfo", "model name").orElse("unknown CPU"),
        procField("/proc/meminfo", "MemTotal")
            .map(text -> Double.parseDouble(text.replaceAll("[^0-9]", "")) / (1024 * 1024))
            .orElse(0.0),
        Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version"));
  }

  String describe() {
    return String.format(Locale.ROOT, "%d CPUs (%s), %.0f GiB RAM", cpus, cpuModel, memoryGib);
  }

  private static java.util.Optional<String> procField(String file, String key) {
    try {
      List<String> lines = Files.readAllLines(Path.of(file));
      return lines.stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
