package dev.capstan.manifest;

import dev.capstan.json.JsonFields;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code GET /api/daemon} answers: who this daemon is. A client compares {@link #instanceId}
 * with the manifest before trusting the port.
 *
 * <p>Immutable and thread-safe.
 *
 * @param instanceId random id of this daemon run
 * @param capstanVersion the daemon's version
 * @param pid its process id
 * @param pidStartedAt its process start time
 * @param host bound address
 * @param port bound port
 * @param url base URL
 * @param startedAt when it became healthy
 * @param uptimeSeconds seconds since then
 * @param home the home it owns
 * @param logPath its structured log
 */
public record DaemonIdentity(
    String instanceId,
    String capstanVersion,
    long pid,
    Instant pidStartedAt,
    String host,
    int port,
    String url,
    Instant startedAt,
    long uptimeSeconds,
    String home,
    String logPath) {
  public DaemonIdentity {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(capstanVersion, "capstanVersion");
    Objects.requireNonNull(pidStartedAt, "pidStartedAt");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(logPath, "logPath");
  }

  /**
   * The identity in {@code object}, as {@link dev.capstan.json.JsonText} read it; unknown members
   * are ignored.
   *
   * @throws IllegalArgumentException naming the member that is missing or invalid
   */
  public static DaemonIdentity fromJson(Map<String, Object> object) {
    return new DaemonIdentity(
        JsonFields.string(object, "instanceId"),
        JsonFields.string(object, "capstanVersion"),
        JsonFields.longValue(object, "pid"),
        JsonFields.instant(object, "pidStartedAt"),
        JsonFields.string(object, "host"),
        JsonFields.intValue(object, "port"),
        JsonFields.string(object, "url"),
        JsonFields.instant(object, "startedAt"),
        JsonFields.longValue(object, "uptimeSeconds"),
        JsonFields.string(object, "home"),
        JsonFields.string(object, "logPath"));
  }

  /** The identity of the daemon a manifest describes, at {@code uptimeSeconds}. */
  public static DaemonIdentity of(DaemonManifest manifest, long uptimeSeconds) {
    return new DaemonIdentity(
        manifest.instanceId(),
        manifest.capstanVersion(),
        manifest.pid(),
        manifest.pidStartedAt(),
        manifest.host(),
        manifest.port(),
        manifest.url(),
        manifest.startedAt(),
        uptimeSeconds,
        manifest.home(),
        manifest.logPath());
  }
}
