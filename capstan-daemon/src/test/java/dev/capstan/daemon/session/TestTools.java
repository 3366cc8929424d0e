package dev.capstan.daemon.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.json.Json;
import dev.capstan.tool.RiskClass;
import dev.capstan.tool.Tool;
import dev.capstan.tool.ToolContext;
import dev.capstan.tool.ToolOutcome;
import dev.capstan.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Small real tools for the session tests: they touch the workspace and count their runs. */
final class TestTools {
  private TestTools() {}

  /** {@code touch {name}}: creates a file in the workspace; asks by default (WRITE). */
  static final class Touch implements Tool {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public String name() {
      return "touch";
    }

    @Override
    public String description() {
      return "Creates an empty file.";
    }

    @Override
    public JsonNode schema() {
      return Json.mapper().createObjectNode().put("type", "object");
    }

    @Override
    public RiskClass risk() {
      return RiskClass.WRITE;
    }

    @Override
    public ToolResult run(ToolContext context, JsonNode arguments) {
      runs.incrementAndGet();
      Path file = context.workspace().root().resolve(arguments.path("name").asText("touched"));
      try {
        Files.writeString(file, "");
      } catch (IOException e) {
        return ToolResult.error("cannot create " + file.getFileName() + ": " + e.getMessage());
      }
      return ToolResult.ok("created " + file.getFileName());
    }
  }

  /** {@code block {}}: runs until cancelled, like a command that hangs (COMMAND, asks). */
  static final class Block implements Tool {
    final CountDownLatch started = new CountDownLatch(1);

    @Override
    public String name() {
      return "block";
    }

    @Override
    public String description() {
      return "Waits forever.";
    }

    @Override
    public JsonNode schema() {
      return Json.mapper().createObjectNode().put("type", "object");
    }

    @Override
    public RiskClass risk() {
      return RiskClass.READ;
    }

    @Override
    public ToolResult run(ToolContext context, JsonNode arguments) {
      CountDownLatch stop = new CountDownLatch(1);
      try (var registration = context.cancel().onCancel(stop::countDown)) {
        started.countDown();
        if (!stop.await(60, TimeUnit.SECONDS)) {
          return ToolResult.error("never cancelled");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new ToolResult(ToolOutcome.CANCELLED, "stopped", false);
    }
  }
}
