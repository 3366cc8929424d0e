package dev.capstan.cli.doctor;

import dev.capstan.auth.AuthToken;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.CliException;
import dev.capstan.cli.client.Connection;
import dev.capstan.cli.client.DaemonClient;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.cli.client.DaemonStopper;
import dev.capstan.cli.client.GuardianDecision;
import dev.capstan.cli.client.GuardianSnapshot;
import dev.capstan.config.CapstanSettings;
import dev.capstan.home.CapstanHome;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs every doctor check in order, each on what the earlier ones found or repaired: the home and
 * the configuration first (everything else reads them), then the manifest and the daemon (through
 * the crash guardian's own snapshot and decision), then what only a running daemon can tell.
 *
 * <p>Never starts a daemon, except when {@code --fix} replaces a hung one exactly as {@code capstan
 * daemon restart} does. Never prints the token.
 *
 * <p>Confined to the command's thread.
 */
final class Doctor {
  private static final Duration API_TIMEOUT = Duration.ofSeconds(5);

  private final CliContext context;
  private final boolean fix;

  Doctor(CliContext context, boolean fix) {
    this.context = context;
    this.fix = fix;
  }

  List<Check> run() {
    CapstanHome home = context.home();
    List<Check> checks = new ArrayList<>();
    checks.add(HomeChecks.home(home, fix));
    checks.add(HomeChecks.auth(home, fix));
    HomeChecks.Config config = HomeChecks.config(home, context.env());
    checks.add(config.check());
    CapstanSettings settings = config.settings();
    DaemonConnector connector = new DaemonConnector(context, settings, List.of());

    GuardianSnapshot snapshot = snapshot(connector, checks);
    ManifestFile manifestFile = new ManifestFile(home.manifestFile());
    if (snapshot != null) {
      checks.add(ManifestCheck.check(snapshot, manifestFile, context.clock().instant(), fix));
      checks.add(DaemonCheck.check(snapshot, fix, () -> restart(connector, settings)));
    }
    Optional<DaemonManifest> running = verified(connector);
    checks.add(
        PortCheck.check(
            settings.daemon(), running, port -> Listeners.of(port, settings.daemon().host())));
    checks.add(DatabaseCheck.check(home.databaseFile()));
    checks.add(ToolChecks.git(context.env()));
    checks.add(ToolChecks.setsid());
    checks.add(ToolChecks.proc());
    checks.add(ToolChecks.java());
    Optional<DaemonClient> client = running.flatMap(manifest -> client(connector, manifest));
    try {
      checks.add(DaemonSideChecks.llm(client));
      checks.add(DaemonSideChecks.disk(home.root(), client));
    } finally {
      client.ifPresent(DaemonClient::close);
    }
    return checks;
  }

  private GuardianSnapshot snapshot(DaemonConnector connector, List<Check> checks) {
    try {
      return connector.snapshot(true);
    } catch (UncheckedIOException | CliException e) {
      checks.add(
          Check.fail(
              "daemon",
              "cannot inspect the daemon: " + e.getMessage(),
              "fix the home and auth checks above, then run capstan doctor again"));
      return null;
    }
  }

  private static Optional<DaemonManifest> verified(DaemonConnector connector) {
    try {
      return GuardianDecision.decide(connector.snapshot()) instanceof GuardianDecision.Use use
          ? Optional.of(use.manifest())
          : Optional.empty();
    } catch (UncheckedIOException | CliException e) {
      return Optional.empty();
    }
  }

  private static Optional<DaemonClient> client(DaemonConnector connector, DaemonManifest manifest) {
    try {
      AuthToken token = connector.localToken();
      return Optional.of(new DaemonClient(manifest.url(), token, API_TIMEOUT));
    } catch (CliException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** What {@code capstan daemon restart} does, with the same checks before any signal. */
  private static String restart(DaemonConnector connector, CapstanSettings settings) {
    DaemonStopper.Result stopped =
        new DaemonStopper(connector, settings.daemon().shutdownTimeout()).stop();
    Connection connection = connector.connect(false);
    String pid = connection.manifest().map(m -> " (pid " + m.pid() + ")").orElse("");
    return "stopped pid "
        + stopped.pid()
        + " ("
        + stopped.outcome().name().toLowerCase(Locale.ROOT)
        + ") and started a new daemon at "
        + connection.url()
        + pid;
  }
}
