package dev.capstan.daemon;

import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.config.ResolvedSettings;
import dev.capstan.config.SettingsResolver;
import dev.capstan.home.CapstanHome;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.time.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real daemon for tests: real home directory, real lock, real Javalin on a free port, talked to
 * over real HTTP. Settings come from {@link SettingsResolver} with {@code daemon.port=0} unless a
 * test says otherwise, and an empty environment, so the machine's {@code CAPSTAN_*} variables never
 * leak in.
 *
 * <p>Confined to the test thread, except the daemon itself, which is thread-safe.
 */
public final class RunningDaemon implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final Daemon daemon;
  private final CapstanHome home;
  private final MutableClock clock;
  private final ByteArrayOutputStream out;
  private final HttpClient http;

  private RunningDaemon(
      Daemon daemon, CapstanHome home, MutableClock clock, ByteArrayOutputStream out) {
    this.daemon = daemon;
    this.home = home;
    this.clock = clock;
    this.out = out;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();
  }

  /** Starts a daemon on {@code home} on any free port. */
  public static RunningDaemon start(Path home) {
    return start(home, Map.of());
  }

  /** Starts a daemon on {@code home}; {@code flags} are dotted keys, as the CLI passes them. */
  public static RunningDaemon start(Path home, Map<String, String> flags) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MutableClock clock = MutableClock.create();
    Daemon daemon = Daemon.start(options(home, flags, clock, out));
    return new RunningDaemon(daemon, new CapstanHome(home), clock, out);
  }

  /** The options {@link #start} uses, for tests that call {@link Daemon#start} themselves. */
  public static DaemonOptions options(
      Path home, Map<String, String> flags, MutableClock clock, ByteArrayOutputStream out) {
    Map<String, String> withPort = new HashMap<>(flags);
    withPort.putIfAbsent("daemon.port", "0");
    CapstanHome capstanHome = new CapstanHome(home);
    ResolvedSettings settings =
        SettingsResolver.resolve(withPort, Map.of(), capstanHome.configFile());
    PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
    return new DaemonOptions(capstanHome, settings, clock, printer, printer);
  }

  public Daemon daemon() {
    return daemon;
  }

  public CapstanHome home() {
    return home;
  }

  public MutableClock clock() {
    return clock;
  }

  public DaemonManifest manifest() {
    return daemon.manifest();
  }

  /** The base URL, for example {@code http://127.0.0.1:40123}. */
  public String url() {
    return daemon.manifest().url();
  }

  /** What the daemon printed to its out and err streams. */
  public String console() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The token currently in {@code auth.json}. */
  public AuthToken token() {
    return new TokenFile(home.authFile(), new SecureRandom()).read().orElseThrow();
  }

  /** A request to {@code path} carrying the current token. */
  public HttpRequest.Builder authorized(String path) {
    return request(path).header("Authorization", "Bearer " + token().value());
  }

  /** A request to {@code path} without credentials. */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url() + path)).timeout(REQUEST_TIMEOUT);
  }

  /** Sends a request and reads the body as text. */
  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("request failed: " + request.build(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code GET path} with the current token. */
  public HttpResponse<String> get(String path) {
    return send(authorized(path).GET());
  }

  /** {@code POST path} with the current token and a JSON body, if any. */
  public HttpResponse<String> post(String path, Optional<String> json) {
    HttpRequest.Builder request = authorized(path);
    json.ifPresent(body -> request.header("Content-Type", "application/json"));
    return send(
        request.POST(
            json.map(body -> HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .orElse(HttpRequest.BodyPublishers.noBody())));
  }

  /** Stops the daemon (idempotent). */
  @Override
  public void close() {
    http.close();
    daemon.stop("test finished");
  }
}
