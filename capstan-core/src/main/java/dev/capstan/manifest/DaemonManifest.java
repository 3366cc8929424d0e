package dev.capstan.manifest;

import dev.capstan.json.JsonFields;
import dev.capstan.process.ProcessIdentity;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The content of {@code daemon.json}: where the running daemon listens and who it is. Never holds
 * the token. Clients treat it as a hint and verify it (pid, start time, health, identity).
 *
 * <p>Immutable and thread-safe.
 *
 * @param version format version of this file, currently {@value #FORMAT_VERSION}
 * @param instanceId random id of this daemon run; {@code GET /api/daemon} must answer the same
 * @param pid process id of the daemon
 * @param pidStartedAt start time of that process, to detect a recycled pid
 * @param host the address the listener is bound to
 * @param port the port the listener is bound to
 * @param url the base URL clients use
 * @param startedAt when the daemon became healthy
 * @param home the home directory the daemon owns
 * @param logPath the structured log file
 * @param capstanVersion the daemon's version
 */
public record DaemonManifest(
    int version,
    String instanceId,
    long pid,
    Instant pidStartedAt,
    String host,
    int port,
    String url,
    Instant startedAt,
    String home,
    String logPath,
    String capstanVersion) {
  /** The only format this build writes. */
  public static final int FORMAT_VERSION = 1;

  public DaemonManifest {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    requireText(instanceId, "instanceId");
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be > 0, was " + pid);
    }
    Objects.requireNonNull(pidStartedAt, "pidStartedAt");
    requireText(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    requireText(url, "url");
    Objects.requireNonNull(startedAt, "startedAt");
    requireText(home, "home");
    requireText(logPath, "logPath");
    requireText(capstanVersion, "capstanVersion");
  }

  /**
   * The manifest in {@code object}, as {@link dev.capstan.json.JsonText} read it. Unknown members
   * are ignored (a newer version's file stays readable).
   *
   * @throws IllegalArgumentException naming the member that is missing or invalid
   */
  public static DaemonManifest fromJson(Map<String, Object> object) {
    return new DaemonManifest(
        JsonFields.intValue(object, "version"),
        JsonFields.string(object, "instanceId"),
        JsonFields.longValue(object, "pid"),
        JsonFields.instant(object, "pidStartedAt"),
        JsonFields.string(object, "host"),
        JsonFields.intValue(object, "port"),
        JsonFields.string(object, "url"),
        JsonFields.instant(object, "startedAt"),
        JsonFields.string(object, "home"),
        JsonFields.string(object, "logPath"),
        JsonFields.string(object, "capstanVersion"));
  }

  /** The daemon process this manifest names. */
  public ProcessIdentity process() {
    return new ProcessIdentity(pid, pidStartedAt);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is missing");
    }
  }
}
