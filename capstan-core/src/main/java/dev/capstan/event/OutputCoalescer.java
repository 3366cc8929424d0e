package dev.capstan.event;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Turns high-rate output (agent lines, LLM token deltas) into chunk events: text of one stream is
 * buffered and flushed as one {@link EventData.OutputChunk} when it reaches the chunk size (cut at
 * the last newline when there is one) or when the linger time has passed. The chunks of a stream,
 * concatenated in seq order, are exactly the text appended, so a replay shows what a live client
 * saw.
 *
 * <p>Tagged text (a turn's answer) is the exception to the linger: the first text of a tag goes out
 * at once, so a reader sees a turn's first token without waiting for the linger. A tag counts as
 * new when it differs from the last one the stream's buffer held, which includes a buffer forgotten
 * while idle; at most one early chunk per tag and idle pause.
 *
 * <p>Thread-safe. Appends to one stream keep their order; each stream has its own lock, held while
 * the chunk is handed to the writer so that chunks cannot overtake each other.
 */
public final class OutputCoalescer {
  private final int chunkBytes;
  private final long lingerNanos;
  private final Consumer<Chunk> sink;
  private final Map<StreamName, Buffer> buffers = new ConcurrentHashMap<>();

  /**
   * A flushed chunk.
   *
   * @param stream its stream
   * @param tag what the text belongs to within the stream (a turn id; empty for task output)
   * @param text its text
   */
  public record Chunk(StreamName stream, String tag, String text) {}

  /**
   * @param chunkBytes flush at this many characters
   * @param linger flush at the latest this long after the first buffered character
   * @param sink receives chunks in order; may block (backpressure)
   */
  public OutputCoalescer(int chunkBytes, Duration linger, Consumer<Chunk> sink) {
    this.chunkBytes = chunkBytes;
    this.lingerNanos = linger.toNanos();
    this.sink = sink;
  }

  private static final class Buffer {
    final ReentrantLock lock = new ReentrantLock();
    final StringBuilder text = new StringBuilder();
    String tag = "";
    long firstAtNanos;
    boolean retired;
  }

  /** Appends text to a stream's output. */
  public void append(StreamName stream, String text) {
    append(stream, "", text);
  }

  /**
   * Appends text to a stream's output, tagged (for example with the turn it belongs to). Buffered
   * text of another tag is flushed first, so a chunk never mixes tags.
   */
  public void append(StreamName stream, String tag, String text) {
    if (text.isEmpty()) {
      return;
    }
    while (!appendTo(buffers.computeIfAbsent(stream, key -> new Buffer()), stream, tag, text)) {
      // Race: flush retired this idle buffer between lookup and lock; take the fresh one.
    }
  }

  /** Flushes whatever {@code stream} has buffered now, so that a later event follows it. */
  public void flush(StreamName stream) {
    Buffer buffer = buffers.get(stream);
    if (buffer == null) {
      return;
    }
    buffer.lock.lock();
    try {
      if (!buffer.text.isEmpty()) {
        String chunk = buffer.text.toString();
        buffer.text.setLength(0);
        sink.accept(new Chunk(stream, buffer.tag, chunk));
      }
    } finally {
      buffer.lock.unlock();
    }
  }

  private boolean appendTo(Buffer buffer, StreamName stream, String tag, String text) {
    buffer.lock.lock();
    try {
      if (buffer.retired) {
        return false;
      }
      if (!buffer.text.isEmpty() && !buffer.tag.equals(tag)) {
        String chunk = buffer.text.toString();
        buffer.text.setLength(0);
        sink.accept(new Chunk(stream, buffer.tag, chunk));
      }
      // why: a reader waits for the first text of a turn (time to first token); it goes out at
      // once instead of after the linger. Later text of the turn is coalesced as before.
      boolean firstOfTag = !tag.isEmpty() && !tag.equals(buffer.tag);
      buffer.tag = tag;
      if (buffer.text.isEmpty()) {
        buffer.firstAtNanos = System.nanoTime();
      }
      buffer.text.append(text);
      while (buffer.text.length() >= chunkBytes) {
        int cut = buffer.text.lastIndexOf("\n", chunkBytes - 1);
        int end = cut >= 0 ? cut + 1 : wholeCharacters(buffer.text, chunkBytes);
        if (end == 0) {
          break;
        }
        String chunk = buffer.text.substring(0, end);
        buffer.text.delete(0, end);
        buffer.firstAtNanos = System.nanoTime();
        sink.accept(new Chunk(stream, buffer.tag, chunk));
      }
      if (firstOfTag) {
        int end = wholeCharacters(buffer.text, buffer.text.length());
        if (end > 0) {
          String chunk = buffer.text.substring(0, end);
          buffer.text.delete(0, end);
          sink.accept(new Chunk(stream, buffer.tag, chunk));
        }
      }
      return true;
    } finally {
      buffer.lock.unlock();
    }
  }

  /**
   * Where to end a chunk of {@code text} near {@code end} without cutting a character in two: one
   * char earlier when {@code end} would leave a high surrogate (the first half of a character such
   * as an emoji) at the end of the chunk. Returns 0 when no whole character fits yet.
   */
  private static int wholeCharacters(CharSequence text, int end) {
    if (end == 0 || !Character.isHighSurrogate(text.charAt(end - 1))) {
      return end;
    }
    if (end > 1) {
      return end - 1;
    }
    // why: a chunk size of 1 cannot hold a pair; the pair then goes whole, once both halves came.
    return text.length() > 1 ? 2 : 0;
  }

  /** Flushes buffers whose linger time has passed (or all of them with {@code all}). */
  public int flush(boolean all) {
    long now = System.nanoTime();
    int flushed = 0;
    for (Map.Entry<StreamName, Buffer> entry : buffers.entrySet()) {
      Buffer buffer = entry.getValue();
      buffer.lock.lock();
      try {
        if (buffer.text.isEmpty()) {
          // why: forget idle streams so finished tasks do not keep buffers forever.
          buffer.retired = true;
          buffers.remove(entry.getKey(), buffer);
          continue;
        }
        if (all || now - buffer.firstAtNanos >= lingerNanos) {
          // why: a producer may hand over half a character (a high surrogate) last; keep it until
          // its other half comes, unless everything must go now.
          int end = all ? buffer.text.length() : wholeCharacters(buffer.text, buffer.text.length());
          if (end == 0) {
            continue;
          }
          String chunk = buffer.text.substring(0, end);
          buffer.text.delete(0, end);
          sink.accept(new Chunk(entry.getKey(), buffer.tag, chunk));
          flushed++;
        }
      } finally {
        buffer.lock.unlock();
      }
    }
    return flushed;
  }
}
