package dev.capstan.cli.daemon;

import dev.capstan.cli.CliContext;
import dev.capstan.cli.Output;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.cli.client.Connection;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.cli.client.DaemonStopper;
import dev.capstan.config.ResolvedSettings;
import dev.capstan.home.CapstanHome;
import dev.capstan.process.LockProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan daemon reset}. */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the daemon, clear its state artifacts (manifest, corrupt manifests, stale lock files,"
          + " caches) and start it clean.",
      "Keeps all history: the database, the token, the config and the logs."
    })
public final class DaemonResetCommand implements Runnable {
  @ParentCommand DaemonCommand parent;
  @Mixin DaemonFlags flags;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public void run() {
    CliContext context = parent.context();
    ResolvedSettings resolved = SettingsLoader.load(context, flags.asSettings());
    DaemonConnector connector = parent.connector(resolved, flags.asArgs());
    DaemonStopper.Result stopped =
        new DaemonStopper(connector, resolved.settings().daemon().shutdownTimeout()).stop();
    List<String> cleared = clear(connector.home());
    Connection connection = connector.connect(false);
    if (json) {
      Map<String, Object> body = DaemonCommand.describe(connection);
      body.put("stopped", stopped.outcome().name().toLowerCase(java.util.Locale.ROOT));
      body.put("cleared", cleared);
      Output.json(context.out(), body);
      return;
    }
    context.out().println(DaemonCommand.Stop.message(stopped));
    context
        .out()
        .println(
            cleared.isEmpty() ? "Nothing to clear." : "Cleared: " + String.join(", ", cleared));
    context
        .out()
        .println("Capstan daemon started at " + connection.url() + DaemonCommand.pid(connection));
  }

  private static List<String> clear(CapstanHome home) {
    List<String> cleared = new ArrayList<>();
    deleteIfPresent(home.manifestFile(), cleared);
    try (DirectoryStream<Path> corrupt =
        Files.newDirectoryStream(home.root(), "daemon.json.corrupt-*")) {
      for (Path file : corrupt) {
        deleteIfPresent(file, cleared);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + home.root(), e);
    }
    for (Path lock : List.of(home.lockFile(), home.startupLockFile())) {
      // why: a lock file someone holds is not stale; deleting it would split the lock.
      if (LockProbe.holderOf(lock) instanceof LockProbe.LockState.Free) {
        deleteIfPresent(lock, cleared);
      }
    }
    if (Files.isDirectory(home.cacheDir())) {
      deleteTree(home.cacheDir());
      cleared.add(home.cacheDir().getFileName() + "/");
    }
    return cleared;
  }

  private static void deleteIfPresent(Path file, List<String> cleared) {
    try {
      if (Files.deleteIfExists(file)) {
        cleared.add(file.getFileName().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
