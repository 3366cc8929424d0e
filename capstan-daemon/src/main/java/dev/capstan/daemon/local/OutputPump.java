package dev.capstan.daemon.local;

import dev.capstan.runtime.OutputSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a process's output to an {@link OutputSink}: one thread reads the pipe as fast as the
 * process writes and decodes UTF-8 without ever splitting a character between chunks (invalid bytes
 * become U+FFFD); a second thread hands the text to the sink, coalescing what piled up. Between
 * them sits a bounded buffer of {@link #BUFFER_CHUNKS} chunks, so a slow sink does not stall the
 * process until that buffer is full; then the reader waits (the process's writes block) rather than
 * drop output.
 *
 * <p>Thread-safe: the reader and the dispatcher are the only threads touching the decoder and the
 * sink respectively.
 */
final class OutputPump {
  private static final Logger log = LoggerFactory.getLogger(OutputPump.class);

  /** Chunks (of at most 8 KiB each) buffered between the reader and a slow sink. */
  static final int BUFFER_CHUNKS = 512;

  private static final Object END = new Object();

  private final InputStream in;
  private final OutputSink sink;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BUFFER_CHUNKS);
  private final AtomicLong lastOutputNanos = new AtomicLong(System.nanoTime());
  private final Thread reader;
  private final Thread dispatcher;

  private OutputPump(InputStream in, OutputSink sink, ThreadFactory threads) {
    this.in = in;
    this.sink = sink;
    this.reader = threads.newThread(this::read);
    this.dispatcher = threads.newThread(this::dispatch);
  }

  /** Starts pumping {@code in} to {@code sink}. */
  static OutputPump start(InputStream in, OutputSink sink, ThreadFactory threads) {
    OutputPump pump = new OutputPump(in, sink, threads);
    pump.reader.start();
    pump.dispatcher.start();
    return pump;
  }

  /** {@link System#nanoTime()} of the last byte read (or of the start). */
  long lastOutputNanos() {
    return lastOutputNanos.get();
  }

  /**
   * Waits until everything read has reached the sink, at most {@code timeout}.
   *
   * @return whether the output ended and was delivered in time
   */
  boolean awaitDrained(Duration timeout) throws InterruptedException {
    return dispatcher.join(timeout);
  }

  private void read() {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    byte[] buffer = new byte[8192];
    ByteBuffer pending = ByteBuffer.allocate(buffer.length + 8);
    CharBuffer chars = CharBuffer.allocate(buffer.length + 8);
    try (in) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        if (read == 0) {
          continue;
        }
        lastOutputNanos.set(System.nanoTime());
        pending.put(buffer, 0, read);
        pending.flip();
        // why: an incomplete character at the end stays in `pending` until its next bytes arrive.
        decoder.decode(pending, chars, false);
        pending.compact();
        offer(chars);
      }
      pending.flip();
      decoder.decode(pending, chars, true);
      decoder.flush(chars);
      offer(chars);
    } catch (IOException e) {
      // why: the pipe closes under us when the process is killed; what was read is delivered.
      log.debug("output stream ended: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      putEnd();
    }
  }

  private void offer(CharBuffer chars) throws InterruptedException {
    chars.flip();
    if (chars.hasRemaining()) {
      queue.put(chars.toString());
    }
    chars.clear();
  }

  private void putEnd() {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          queue.put(END);
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void dispatch() {
    List<Object> batch = new ArrayList<>();
    try {
      while (true) {
        Object first = queue.poll(1, TimeUnit.DAYS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch);
        boolean ended = false;
        StringBuilder text = new StringBuilder();
        for (Object chunk : batch) {
          if (chunk == END) {
            ended = true;
            break;
          }
          text.append((String) chunk);
        }
        batch.clear();
        deliver(text);
        if (ended) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void deliver(StringBuilder text) {
    if (text.isEmpty()) {
      return;
    }
    try {
      sink.accept(text.toString());
    } catch (RuntimeException e) {
      log.warn("an output sink failed; the run goes on: {}", e.toString());
    }
  }
}
