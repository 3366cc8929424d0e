package dev.capstan.daemon.metrics;

import dev.capstan.event.EventLogMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The daemon's metrics on Micrometer, scraped as Prometheus text from {@code /metrics}.
 *
 * <p>Thread-safe.
 */
public final class DaemonMetrics implements EventLogMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter eventsWritten;
  private final Counter eventsFailed;
  private final DistributionSummary batchSize;
  private final Timer commitLatency;
  private final Counter overflows;

  public DaemonMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    eventsWritten =
        Counter.builder("capstan_events_written")
            .description("Events committed to the event log")
            .register(registry);
    eventsFailed =
        Counter.builder("capstan_events_failed")
            .description("Events whose batch failed to commit")
            .register(registry);
    batchSize =
        DistributionSummary.builder("capstan_event_batch_size")
            .description("Events per group-commit transaction")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    commitLatency =
        Timer.builder("capstan_event_commit")
            .description("Time to store one batch")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    overflows =
        Counter.builder("capstan_event_overflows")
            .description("Subscribers that fell behind and were told to resume")
            .register(registry);
  }

  /** Registers a gauge read on every scrape. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  @Override
  public void batchCommitted(int size, long nanos) {
    eventsWritten.increment(size);
    batchSize.record(size);
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void batchFailed(int size) {
    eventsFailed.increment(size);
  }

  @Override
  public void overflow() {
    overflows.increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
