package dev.capstan.manifest;

import java.time.Instant;

/**
 * Builds {@link DaemonManifest}s for tests: {@code aManifest().withPid(42).build()}. Every field
 * has a valid default, so a test names only what it is about.
 *
 * <p>Confined to one thread (mutable builder).
 */
public final class ManifestBuilder {
  private int version = DaemonManifest.FORMAT_VERSION;
  private String instanceId = "3f0e2c1a-0000-4000-8000-000000000001";
  private long pid = 4242;
  private Instant pidStartedAt = Instant.parse("2030-01-02T03:00:00Z");
  private String host = "127.0.0.1";
  private int port = 7423;
  private Instant startedAt = Instant.parse("2030-01-02T03:00:05Z");
  private String home = "/home/someone/.capstan";
  private String capstanVersion = "0.1.0-test";

  private ManifestBuilder() {}

  /** A builder with valid defaults. */
  public static ManifestBuilder aManifest() {
    return new ManifestBuilder();
  }

  public ManifestBuilder withVersion(int version) {
    this.version = version;
    return this;
  }

  public ManifestBuilder withInstanceId(String instanceId) {
    this.instanceId = instanceId;
    return this;
  }

  public ManifestBuilder withPid(long pid) {
    this.pid = pid;
    return this;
  }

  public ManifestBuilder withPidStartedAt(Instant pidStartedAt) {
    this.pidStartedAt = pidStartedAt;
    return this;
  }

  public ManifestBuilder withHost(String host) {
    this.host = host;
    return this;
  }

  public ManifestBuilder withPort(int port) {
    this.port = port;
    return this;
  }

  public ManifestBuilder withStartedAt(Instant startedAt) {
    this.startedAt = startedAt;
    return this;
  }

  public ManifestBuilder withHome(String home) {
    this.home = home;
    return this;
  }

  public ManifestBuilder withCapstanVersion(String capstanVersion) {
    this.capstanVersion = capstanVersion;
    return this;
  }

  /** The manifest; the URL and log path follow host, port and home. */
  public DaemonManifest build() {
    return new DaemonManifest(
        version,
        instanceId,
        pid,
        pidStartedAt,
        host,
        port,
        "http://" + host + ":" + port,
        startedAt,
        home,
        home + "/logs/daemon.log",
        capstanVersion);
  }
}
