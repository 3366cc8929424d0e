package dev.capstan.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * The private ports of one scenario: a preferred port and a small fallback range right above it,
 * all free when handed out and never handed out twice in one test run. They lie below the kernel's
 * ephemeral range and far from Capstan's real 7423-7443, so scenarios collide neither with each
 * other nor with a daemon a developer runs.
 *
 * <p>Immutable; {@link #allocate} is thread-safe.
 *
 * @param preferred the preferred port ({@code CAPSTAN_PORT})
 * @param rangeFirst first port of the fallback range
 * @param rangeLast last port of the fallback range
 */
record ScenarioPorts(int preferred, int rangeFirst, int rangeLast) {
  /** Ports in the fallback range. */
  static final int RANGE_SIZE = 3;

  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_000;
  private static final int BLOCK = RANGE_SIZE + 1;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  ScenarioPorts {
    if (rangeFirst > rangeLast || preferred < 1) {
      throw new IllegalArgumentException(
          "bad ports " + preferred + " " + rangeFirst + "-" + rangeLast);
    }
  }

  /** A block of free ports that no other scenario of this run got. */
  static ScenarioPorts allocate() {
    for (int attempt = 0; attempt < 500; attempt++) {
      int base = LOWEST + ThreadLocalRandom.current().nextInt((HIGHEST - LOWEST) / BLOCK) * BLOCK;
      if (!HANDED_OUT.add(base)) {
        continue;
      }
      if (IntStream.range(base, base + BLOCK).allMatch(ScenarioPorts::isFree)) {
        return new ScenarioPorts(base, base + 1, base + RANGE_SIZE);
      }
    }
    throw new IllegalStateException(
        "found no block of " + BLOCK + " free ports in " + LOWEST + "-" + HIGHEST);
  }

  /** The range as {@code CAPSTAN_PORT_RANGE} spells it. */
  String range() {
    return rangeFirst + "-" + rangeLast;
  }

  /** Every port of the fallback range, in order. */
  IntStream rangePorts() {
    return IntStream.rangeClosed(rangeFirst, rangeLast);
  }

  /** Whether nothing listens on {@code port} on any local address. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
