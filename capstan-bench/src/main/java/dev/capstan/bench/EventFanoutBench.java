package dev.capstan.bench;

import dev.capstan.config.SettingsResolver;
import dev.capstan.daemon.Daemon;
import dev.capstan.daemon.DaemonOptions;
import dev.capstan.event.StreamName;
import dev.capstan.home.CapstanHome;
import dev.capstan.json.Json;
import dev.capstan.time.Clocks;
import dev.capstan.time.Stopwatch;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fan-out of the event log over WebSocket: end-to-end latency from a producer's append to 100
 * subscribers at 10,000 lines/s (daemon in this JVM, so both ends read one monotonic clock), and
 * the daemon's heap per idle subscriber with 1,000 of them (daemon in its own JVM).
 */
final class EventFanoutBench implements Benchmark {
  private static final int SUBSCRIBERS = 100;
  private static final int LINES_PER_SECOND = 10_000;
  private static final Duration PRODUCE_FOR = Duration.ofSeconds(10);
  private static final Duration WARM_UP = Duration.ofSeconds(5);
  private static final int IDLE_SUBSCRIBERS = 1_000;
  private static final Pattern STAMP = Pattern.compile("t=(\\d+)");

  @Override
  public String title() {
    return "Event log fan-out";
  }

  @Override
  public List<Figure> run(BenchContext context) throws Exception {
    List<Double> latencies = latencyRun(context);
    List<Double> perSubscriber = new ArrayList<>();
    for (int run = 0; run < Math.max(1, context.runs() / 3); run++) {
      perSubscriber.add(idleMemory(context));
    }
    List<Double> p99 = List.of(percentile(latencies, 0.99));
    return List.of(
        new Figure(
            "Producer -> 100 WebSocket subscribers at 10,000 lines/s, latency per line",
            "ms",
            latencies,
            Optional.empty(),
            "after a 5 s warm-up, 10 s at 10,000 lines/s; median and p90 over every 10th line at"
                + " every subscriber ("
                + latencies.size()
                + " samples); p99 is the next row. Includes the 20 ms chunk linger"),
        new Figure(
            "Same, p99 latency",
            "ms",
            p99,
            Optional.of(50.0),
            "99th percentile of the samples above"),
        new Figure(
            "Daemon heap per idle WebSocket subscriber (1,000 subscribers)",
            "KiB",
            perSubscriber,
            Optional.of(64.0),
            "heap used after a full GC with 1,000 connections each subscribed to its own idle"
                + " stream, minus before, divided by 1,000; daemon in its own JVM"));
  }

  private static double percentile(List<Double> samples, double fraction) {
    List<Double> sorted = samples.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(fraction * sorted.size()) - 1));
  }

  private List<Double> latencyRun(BenchContext context) throws Exception {
    Path home = context.newHome();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Daemon daemon =
        Daemon.start(
            new DaemonOptions(
                new CapstanHome(home),
                SettingsResolver.resolve(
                    Map.of("daemon.port", "0"), Map.of(), home.resolve("config.toml")),
                Clocks.system(),
                quiet,
                quiet));
    long warmUpLines = LINES_PER_SECOND * WARM_UP.toSeconds();
    long total = warmUpLines + LINES_PER_SECOND * PRODUCE_FOR.toSeconds();
    AtomicLong received = new AtomicLong();
    List<LatencyListener> listeners = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    try (HttpClient http = HttpClient.newHttpClient()) {
      String token =
          Json.mapper().readTree(home.resolve("auth.json").toFile()).path("token").asText();
      String url = daemon.manifest().url().replaceFirst("^http", "ws") + "/api/ws";
      StreamName stream = StreamName.task(1);
      AtomicLong acks = new AtomicLong();
      for (int i = 0; i < SUBSCRIBERS; i++) {
        LatencyListener listener = new LatencyListener((int) (total / 10) + 16, received, acks);
        listeners.add(listener);
        WebSocket socket =
            http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create(url), listener)
                .get(10, TimeUnit.SECONDS);
        socket.sendText(
            "{\"type\":\"subscribe\",\"stream\":\"" + stream.value() + "\",\"afterSeq\":0}", true);
        sockets.add(socket);
      }
      Stopwatch ackWait = Stopwatch.start();
      while (acks.get() < SUBSCRIBERS && !ackWait.hasElapsed(Duration.ofSeconds(30))) {
        Thread.sleep(10);
      }
      long intervalNanos = 1_000_000; // 1 ms
      long perTick = LINES_PER_SECOND / 1_000;
      long start = System.nanoTime();
      for (long sent = 0; sent < total; ) {
        long due = start + (sent / perTick) * intervalNanos;
        // why: park, not spin: a spinning producer would take one of the two cores away from
        // the daemon and the subscribers being measured.
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        for (int i = 0; i < perTick; i++, sent++) {
          // why: every 10th line after the warm-up (JIT, connection buffers) carries its
          // production time; 10 M samples would not fit.
          String stamp =
              sent >= warmUpLines && sent % 10 == 0 ? "t=" + System.nanoTime() + " " : "";
          daemon.events().appendOutput(stream, stamp + "line " + sent + "\n");
        }
      }
      Stopwatch drain = Stopwatch.start();
      long expected = (total - warmUpLines) / 10 * SUBSCRIBERS;
      while (received.get() < expected && !drain.hasElapsed(Duration.ofSeconds(60))) {
        Thread.sleep(50);
      }
      for (WebSocket socket : sockets) {
        socket.abort();
      }
    } finally {
      daemon.stop("bench done");
      Processes.deleteTree(home);
    }
    List<Double> samples = new ArrayList<>();
    for (LatencyListener listener : listeners) {
      listener.drainTo(samples);
    }
    return samples;
  }

  /**
   * Records, for every stamped line of every chunk, how long ago it was produced, into a
   * preallocated array (no garbage while measuring). Callbacks of one socket come one at a time.
   */
  private static final class LatencyListener implements WebSocket.Listener {
    private final double[] samples;
    private final AtomicLong received;
    private final AtomicLong acks;
    private final StringBuilder partial = new StringBuilder();
    private volatile int count;

    LatencyListener(int capacity, AtomicLong received, AtomicLong acks) {
      this.samples = new double[capacity];
      this.received = received;
      this.acks = acks;
    }

    void drainTo(List<Double> into) {
      for (int i = 0; i < count; i++) {
        into.add(samples[i]);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        long now = System.nanoTime();
        String frame = partial.toString();
        partial.setLength(0);
        if (frame.startsWith("{\"type\":\"ack\"")) {
          acks.incrementAndGet();
        } else if (frame.startsWith("{\"type\":\"event\"")) {
          Matcher matcher = STAMP.matcher(frame);
          int n = count;
          while (matcher.find() && n < samples.length) {
            samples[n++] = (now - Long.parseLong(matcher.group(1))) / 1e6;
            received.incrementAndGet();
          }
          count = n;
        }
      }
      socket.request(1);
      return CompletableFuture.completedFuture(null);
    }
  }

  private double idleMemory(BenchContext context) throws Exception {
    Path home = context.newHome();
    int port = Processes.freePort();
    Process daemon =
        Processes.start(
            List.of(context.java(), "-jar", context.jar().toString(), "daemon", "run"),
            Map.of("CAPSTAN_HOME", home.toString(), "CAPSTAN_PORT", Integer.toString(port)));
    List<WebSocket> sockets = new ArrayList<>();
    try (HttpClient http = HttpClient.newHttpClient()) {
      Stopwatch waited = Stopwatch.start();
      while (!Files.exists(home.resolve("daemon.json"))) {
        if (waited.hasElapsed(Duration.ofSeconds(60)) || !daemon.isAlive()) {
          throw new IllegalStateException("daemon did not start");
        }
        Thread.sleep(20);
      }
      String token =
          Json.mapper().readTree(home.resolve("auth.json").toFile()).path("token").asText();
      String base = "http://127.0.0.1:" + port;
      double before = heapAfterGc(daemon.pid(), http, base, token);
      AtomicLong acks = new AtomicLong();
      for (int i = 0; i < IDLE_SUBSCRIBERS; i++) {
        WebSocket socket =
            http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/api/ws"),
                    new LatencyListener(0, new AtomicLong(), acks))
                .get(10, TimeUnit.SECONDS);
        socket.sendText(
            "{\"type\":\"subscribe\",\"stream\":\"task/" + (i + 1) + "\",\"afterSeq\":0}", true);
        sockets.add(socket);
      }
      Stopwatch ackWait = Stopwatch.start();
      while (acks.get() < IDLE_SUBSCRIBERS && !ackWait.hasElapsed(Duration.ofSeconds(60))) {
        Thread.sleep(20);
      }
      double after = heapAfterGc(daemon.pid(), http, base, token);
      for (WebSocket socket : sockets) {
        socket.abort();
      }
      return (after - before) / IDLE_SUBSCRIBERS / 1024;
    } finally {
      daemon.destroy();
      daemon.waitFor(30, TimeUnit.SECONDS);
      Processes.deleteTree(home);
    }
  }

  private static double heapAfterGc(long pid, HttpClient http, String base, String token)
      throws IOException, InterruptedException {
    Process gc =
        new ProcessBuilder(jcmd(), Long.toString(pid), "GC.run")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gc.waitFor(60, TimeUnit.SECONDS);
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    double used = 0;
    for (String line : metrics.body().split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return used;
  }

  private static String jcmd() {
    return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
  }
}
