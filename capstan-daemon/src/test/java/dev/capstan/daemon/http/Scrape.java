package dev.capstan.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.daemon.RunningDaemon;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Reads one value out of the daemon's {@code /metrics} (Prometheus text).
 *
 * <p>Stateless.
 */
final class Scrape {
  private Scrape() {}

  /** The value of the sample {@code name} (without labels), or fails the test. */
  static double value(RunningDaemon daemon, String name) {
    HttpResponse<String> response = daemon.get("/metrics");
    assertThat(response.statusCode()).as("GET /metrics").isEqualTo(200);
    return find(response.body(), name)
        .orElseThrow(() -> new AssertionError("no sample " + name + " in /metrics"));
  }

  /** The value of the sample {@code name} (without labels) in a scrape. */
  static Optional<Double> find(String scrape, String name) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Optional.of(Double.parseDouble(line.substring(name.length() + 1).trim()));
      }
    }
    return Optional.empty();
  }
}
