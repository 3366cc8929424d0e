package dev.capstan.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.cli.CapstanCommand;
import dev.capstan.cli.CliContext;
import dev.capstan.cli.SettingsLoader;
import dev.capstan.cli.client.DaemonClient;
import dev.capstan.cli.client.DaemonConnector;
import dev.capstan.config.ResolvedSettings;
import dev.capstan.event.StreamName;
import dev.capstan.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code capstan events}: print or follow an event stream. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Print the events of a stream, oldest first; with -f keep following it live.",
      "Streams: system, tasks, approvals, task/<id>, session/<id>. Following survives daemon"
          + " restarts and dropped connections: it reconnects with backoff and resumes after the"
          + " last event it printed, so nothing is missed or printed twice."
    })
public final class EventsCommand implements Runnable {
  private static final int PAGE = 1_000;

  @ParentCommand CapstanCommand root;

  @Option(
      names = {"-s", "--stream"},
      paramLabel = "STREAM",
      defaultValue = "system",
      description = "The stream (default: ${DEFAULT-VALUE}).")
  String stream;

  @Option(
      names = "--after",
      paramLabel = "SEQ",
      defaultValue = "0",
      description = "Start after this seq (default: from the beginning).")
  long after;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new events as they happen (Ctrl-C to stop).")
  boolean follow;

  @Option(names = "--json", description = "Print each event envelope as one line of JSON.")
  boolean json;

  @Override
  public void run() {
    CliContext context = root.context();
    StreamName name = StreamName.parse(stream);
    if (after < 0) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--after must be >= 0");
    }
    ResolvedSettings resolved = SettingsLoader.load(context, Map.of());
    DaemonConnector connector = new DaemonConnector(context, resolved.settings(), List.of());
    EventPrinter printer = new EventPrinter(context.out(), json);
    if (follow) {
      new EventFollower(
              context,
              connector,
              name,
              event -> {
                printer.print(event);
                return true;
              })
          .follow(after);
      return;
    }
    long cursor = after;
    while (true) {
      long from = cursor;
      JsonNode page =
          connector.call(
              connection -> {
                try (DaemonClient client = connection.client()) {
                  return client.getJson(
                      "/api/events?stream="
                          + URLEncoder.encode(name.value(), StandardCharsets.UTF_8)
                          + "&afterSeq="
                          + from
                          + "&limit="
                          + PAGE,
                      JsonNode.class);
                }
              });
      JsonNode events = page.path("events");
      for (JsonNode event : events) {
        printer.print(event);
        cursor = event.path("seq").asLong();
      }
      if (events.size() < PAGE) {
        return;
      }
    }
  }

  /** Renders events for a person or as JSON lines. Confined to one thread. */
  static final class EventPrinter {
    private final java.io.PrintStream out;
    private final boolean json;

    EventPrinter(java.io.PrintStream out, boolean json) {
      this.out = out;
      this.json = json;
    }

    void print(JsonNode event) {
      if (json) {
        out.println(event.toString());
      } else {
        out.println(
            event.path("stream").asText()
                + "#"
                + event.path("seq").asLong()
                + "  "
                + event.path("ts").asText()
                + "  "
                + event.path("type").asText()
                + "  "
                + event.path("data").toString());
      }
      out.flush();
    }

    static JsonNode parse(String text) {
      try {
        return Json.mapper().readTree(text);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("the daemon sent a frame that is not JSON", e);
      }
    }
  }
}
