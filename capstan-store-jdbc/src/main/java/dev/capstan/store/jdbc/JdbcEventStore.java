package dev.capstan.store.jdbc;

import dev.capstan.event.EventStore;
import dev.capstan.event.EventType;
import dev.capstan.event.NewEvent;
import dev.capstan.event.StoredEvent;
import dev.capstan.event.StreamName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The event log on JDBC. Seqs come from {@code event_streams}, bumped by an upsert in the same
 * transaction that inserts the events, so a batch either commits with its seqs or leaves no trace.
 *
 * <p>Thread-safe; concurrent appends to one stream serialise on its {@code event_streams} row.
 */
public final class JdbcEventStore implements EventStore {
  private static final String BUMP_SEQ =
      "INSERT INTO event_streams (stream, last_seq) VALUES (:stream, :count) "
          + "ON CONFLICT (stream) DO UPDATE SET last_seq = event_streams.last_seq + excluded.last_seq "
          + "RETURNING last_seq";
  private static final String INSERT =
      "INSERT INTO events (stream, seq, type, kind, ts_micros, data, data_bytes) "
          + "VALUES (:stream, :seq, :type, :kind, :ts, :data, :bytes)";

  private final Database database;
  private final Jdbi jdbi;

  public JdbcEventStore(Database database) {
    this.database = database;
    this.jdbi = database.jdbi();
  }

  @Override
  public List<StoredEvent> append(List<NewEvent> batch) {
    if (batch.isEmpty()) {
      return List.of();
    }
    return database.inWriteTransaction(handle -> appendIn(handle, batch));
  }

  private static List<StoredEvent> appendIn(Handle handle, List<NewEvent> batch) {
    // why: bump the streams' rows in one global order (by name), so that two batches touching the
    // same streams in different orders cannot deadlock on their row locks (PostgreSQL).
    Map<StreamName, Integer> counts = new TreeMap<>(Comparator.comparing(StreamName::value));
    for (NewEvent event : batch) {
      counts.merge(event.stream(), 1, Integer::sum);
    }
    Map<StreamName, Long> nextSeq = new LinkedHashMap<>();
    for (Map.Entry<StreamName, Integer> entry : counts.entrySet()) {
      long last =
          handle
              .createQuery(BUMP_SEQ)
              .bind("stream", entry.getKey().value())
              .bind("count", entry.getValue())
              .mapTo(Long.class)
              .one();
      nextSeq.put(entry.getKey(), last - entry.getValue() + 1);
    }
    List<StoredEvent> stored = new ArrayList<>(batch.size());
    PreparedBatch insert = handle.prepareBatch(INSERT);
    for (NewEvent event : batch) {
      long seq = nextSeq.merge(event.stream(), 1L, Long::sum) - 1;
      Instant ts = event.ts().truncatedTo(ChronoUnit.MICROS);
      insert
          .bind("stream", event.stream().value())
          .bind("seq", seq)
          .bind("type", event.type().wireName())
          .bind("kind", event.type().kind().name())
          .bind("ts", toMicros(ts))
          .bind("data", event.dataJson())
          .bind("bytes", event.dataJson().getBytes(StandardCharsets.UTF_8).length)
          .add();
      stored.add(
          new StoredEvent(event.stream(), seq, event.type().wireName(), ts, event.dataJson()));
    }
    insert.execute();
    return stored;
  }

  @Override
  public List<StoredEvent> read(StreamName stream, long afterSeq, int limit) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery(
                    "SELECT seq, type, ts_micros, data FROM events "
                        + "WHERE stream = :stream AND seq > :after ORDER BY seq LIMIT :limit")
                .bind("stream", stream.value())
                .bind("after", afterSeq)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new StoredEvent(
                            stream,
                            rs.getLong("seq"),
                            rs.getString("type"),
                            fromMicros(rs.getLong("ts_micros")),
                            rs.getString("data")))
                .list());
  }

  @Override
  public long lastSeq(StreamName stream) {
    return jdbi.withHandle(
        handle ->
            handle
                .createQuery("SELECT last_seq FROM event_streams WHERE stream = :stream")
                .bind("stream", stream.value())
                .mapTo(Long.class)
                .findOne()
                .orElse(0L));
  }

  @Override
  public int applyRetention(Instant cutoff, long maxBytesPerStream) {
    String output = EventType.TASK_OUTPUT.kind().name();
    return jdbi.inTransaction(
        handle -> {
          int deleted =
              handle
                  .createUpdate("DELETE FROM events WHERE kind = :kind AND ts_micros < :cutoff")
                  .bind("kind", output)
                  .bind("cutoff", toMicros(cutoff))
                  .execute();
          List<String> oversized =
              handle
                  .createQuery(
                      "SELECT stream FROM events WHERE kind = :kind GROUP BY stream "
                          + "HAVING SUM(data_bytes) > :max")
                  .bind("kind", output)
                  .bind("max", maxBytesPerStream)
                  .mapTo(String.class)
                  .list();
          for (String stream : oversized) {
            deleted += trimStream(handle, stream, output, maxBytesPerStream);
          }
          return deleted;
        });
  }

  private static int trimStream(Handle handle, String stream, String kind, long maxBytes) {
    // why: keep the newest output that fits; everything at or below the first seq that does not
    // fit goes.
    long kept = 0;
    long cutSeq = 0;
    for (Map<String, Object> row :
        handle
            .createQuery(
                "SELECT seq, data_bytes FROM events WHERE stream = :stream AND kind = :kind "
                    + "ORDER BY seq DESC")
            .bind("stream", stream)
            .bind("kind", kind)
            .mapToMap()
            .list()) {
      kept += ((Number) row.get("data_bytes")).longValue();
      if (kept > maxBytes) {
        cutSeq = ((Number) row.get("seq")).longValue();
        break;
      }
    }
    return handle
        .createUpdate("DELETE FROM events WHERE stream = :stream AND kind = :kind AND seq <= :seq")
        .bind("stream", stream)
        .bind("kind", kind)
        .bind("seq", cutSeq)
        .execute();
  }

  private static long toMicros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  private static Instant fromMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
