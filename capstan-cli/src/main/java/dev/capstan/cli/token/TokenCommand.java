package dev.capstan.cli.token;

import dev.capstan.auth.TokenFile;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.Output;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.cli.client.DaemonClient;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.cli.client.GuardianDecision;
import dev.capstan.cli.client.GuardianSnapshot;
import dev.capstan.config.ResolvedSettings;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan token}: the local bearer token. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage the bearer token in auth.json (it is never printed).")
public final class TokenCommand {
  @ParentCommand CapstanCommand root;

  /** {@code capstan token rotate}. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Replace the token with a new random one; the old one stops working at once.",
        "A running daemon switches over immediately. The token is written to auth.json (0600)"
            + " and never printed."
      })
  public static final class Rotate implements Runnable {
    @ParentCommand TokenCommand parent;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public void run() {
      CliContext context = parent.root.context();
      ResolvedSettings resolved = SettingsLoader.load(context, Map.of());
      DaemonConnector connector = new DaemonConnector(context, resolved.settings(), List.of());
      String where;
      Optional<GuardianSnapshot> snapshot =
          connector.remote() ? Optional.empty() : Optional.of(connector.snapshot());
      // why: only when no daemon owns the home may the file be rotated behind its back; a live
      // daemon (even a slow one) must switch over itself, or it would reject every command.
      boolean noDaemon =
          snapshot.isPresent()
              && GuardianDecision.decide(snapshot.get()) instanceof GuardianDecision.StartFresh;
      if (!noDaemon) {
        connector.call(
            snapshot,
            connection -> {
              try (DaemonClient client = connection.client()) {
                return client.postJson("/api/token/rotate", null, Map.class);
              }
            });
        where =
            connector.remote()
                ? "the remote daemon's auth.json"
                : connector.home().authFile().toString();
      } else {
        // why: on a fresh home nothing has created the directory (owner-only) yet.
        new TokenFile(connector.home().ensureExists().authFile(), new SecureRandom())
            .rotate(context.clock().instant());
        where = connector.home().authFile().toString();
      }
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rotated", true);
        body.put("file", where);
        Output.json(context.out(), body);
      } else {
        context.out().println("Token rotated. The new token is in " + where + " (never printed).");
      }
    }
  }
}
