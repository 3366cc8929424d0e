package dev.capstan.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.capstan.config.CapstanSettings;
import dev.capstan.config.ConfigInvalid;
import dev.capstan.config.PortRange;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortBinderTest {
  private static final String LOOPBACK = "127.0.0.1";

  @TempDir Path dir;

  @Test
  void a_free_preferred_port_is_bound_without_falling_back() throws IOException {
    List<ServerSocket> ports = Ports.squatContiguous(2);
    int preferred = ports.get(0).getLocalPort();
    Ports.closeAll(ports);

    PortBinder.Bound bound =
        PortBinder.bind(LOOPBACK, preferred, new PortRange(preferred + 1, preferred + 1));

    try (var channel = bound.channel()) {
      assertThat(bound.port()).isEqualTo(preferred);
      assertThat(bound.fellBack()).isFalse();
      assertThat(channel.isOpen()).isTrue();
    }
  }

  @Test
  void port_0_binds_any_free_port() throws IOException {
    PortBinder.Bound bound = PortBinder.bind(LOOPBACK, 0, CapstanSettings.DEFAULT_PORT_RANGE);

    try (var channel = bound.channel()) {
      assertThat(bound.port()).isPositive();
      assertThat(bound.fellBack()).isFalse();
    }
  }

  @Test
  void taken_ports_are_skipped_in_order() throws IOException {
    List<ServerSocket> squatters = Ports.squatContiguous(4);
    int preferred = squatters.get(0).getLocalPort();
    squatters.get(2).close();
    squatters.get(3).close();

    try {
      PortBinder.Bound bound =
          PortBinder.bind(
              LOOPBACK,
              preferred,
              new PortRange(squatters.get(1).getLocalPort(), squatters.get(3).getLocalPort()));

      try (var channel = bound.channel()) {
        assertThat(bound.port()).isEqualTo(squatters.get(2).getLocalPort());
        assertThat(bound.fellBack()).isTrue();
      }
    } finally {
      Ports.closeAll(squatters);
    }
  }

  @Test
  void when_every_port_is_taken_it_fails_naming_the_range() throws IOException {
    List<ServerSocket> squatters = Ports.squatContiguous(3);
    int preferred = squatters.get(0).getLocalPort();
    PortRange range =
        new PortRange(squatters.get(1).getLocalPort(), squatters.get(2).getLocalPort());

    try {
      assertThatThrownBy(() -> PortBinder.bind(LOOPBACK, preferred, range))
          .isInstanceOf(NoFreePort.class)
          .hasMessageContaining(range.toString());
    } finally {
      Ports.closeAll(squatters);
    }
  }

  @Test
  void an_address_of_another_machine_is_a_config_error_naming_the_host() {
    // why: 192.0.2.0/24 is TEST-NET-1, never an address of this machine.
    assertThatThrownBy(() -> PortBinder.bind("192.0.2.1", 0, CapstanSettings.DEFAULT_PORT_RANGE))
        .isInstanceOfSatisfying(
            ConfigInvalid.class,
            e -> {
              assertThat(e.key()).isEqualTo("daemon.host");
              assertThat(e.getMessage()).contains("192.0.2.1");
            });
  }

  @Test
  void a_taken_port_falls_back_under_a_translated_system_locale() throws Exception {
    Path locales = germanLocale();
    List<ServerSocket> squatters = Ports.squatContiguous(2);
    int preferred = squatters.get(0).getLocalPort();
    int fallback = squatters.get(1).getLocalPort();
    squatters.get(1).close();

    List<String> output;
    try {
      output = runChild(locales, LOOPBACK, preferred, fallback + "-" + fallback);
    } finally {
      Ports.closeAll(squatters);
    }

    String raw = output.stream().filter(line -> line.startsWith("RAW ")).findFirst().orElseThrow();
    assumeTrue(!raw.contains("in use"), "the C library did not translate its message: " + raw);
    assertThat(output).contains("BOUND " + fallback + " true");
  }

  /**
   * Compiles a German locale into a private directory, or skips the test where that is impossible.
   */
  private Path germanLocale() throws Exception {
    assumeTrue(
        Files.exists(Path.of("/usr/share/locale/de/LC_MESSAGES/libc.mo")),
        "no German translations of the C library messages on this machine");
    Path locales = Files.createDirectory(dir.resolve("locales"));
    Process localedef;
    try {
      localedef =
          new ProcessBuilder(
                  "localedef",
                  "-i",
                  "de_DE",
                  "-f",
                  "UTF-8",
                  locales.resolve("de_DE.UTF-8").toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      assumeTrue(false, "localedef is not installed");
      throw e;
    }
    assumeTrue(localedef.waitFor(60, TimeUnit.SECONDS), "localedef did not finish");
    assumeTrue(Files.isDirectory(locales.resolve("de_DE.UTF-8")), "localedef failed");
    return locales;
  }

  private static List<String> runChild(Path locales, String host, int preferred, String range)
      throws Exception {
    String javaBinary = ProcessHandle.current().info().command().orElseThrow();
    String classPath =
        Stream.of(PortBinderChild.class, PortBinder.class, PortRange.class)
            .map(PortBinderTest::locationOf)
            .distinct()
            .collect(Collectors.joining(File.pathSeparator));
    ProcessBuilder builder =
        new ProcessBuilder(
                javaBinary,
                "-cp",
                classPath,
                PortBinderChild.class.getName(),
                host,
                Integer.toString(preferred),
                range)
            .redirectErrorStream(true);
    builder.environment().put("LOCPATH", locales.toString());
    builder.environment().put("LANG", "de_DE.UTF-8");
    builder.environment().put("LC_ALL", "de_DE.UTF-8");
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return output.lines().toList();
  }

  private static String locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
