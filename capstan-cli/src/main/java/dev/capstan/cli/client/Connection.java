package dev.capstan.cli.client;

import dev.capstan.auth.AuthToken;
import dev.capstan.manifest.DaemonIdentity;
import dev.capstan.manifest.DaemonManifest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified daemon to talk to.
 *
 * @param url base URL
 * @param token the bearer token
 * @param manifest the local manifest (empty for a remote daemon)
 * @param started whether this command started the daemon
 * @param identity what the daemon answered to the identity check, if this command asked
 */
public record Connection(
    String url,
    AuthToken token,
    Optional<DaemonManifest> manifest,
    boolean started,
    Optional<DaemonIdentity> identity) {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  public Connection {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(identity, "identity");
  }

  /** A client for this daemon; close it when done. */
  public DaemonClient client() {
    return new DaemonClient(url, token, CONNECT_TIMEOUT);
  }
}
