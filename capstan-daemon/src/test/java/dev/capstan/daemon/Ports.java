package dev.capstan.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Squats loopback ports the way another program would, so tests can take the preferred port or a
 * whole fallback range away from the daemon.
 *
 * <p>Stateless.
 */
public final class Ports {
  private Ports() {}

  /** Listens on {@code count} consecutive loopback ports; the caller closes them. */
  public static List<ServerSocket> squatContiguous(int count) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      List<ServerSocket> bound = new ArrayList<>();
      try {
        for (int port = base; port < base + count; port++) {
          bound.add(new ServerSocket(port, 50, loopback));
        }
        return bound;
      } catch (IOException taken) {
        closeAll(bound);
      }
    }
    throw new IllegalStateException("no " + count + " consecutive free ports found");
  }

  /** Closes every socket. */
  public static void closeAll(List<ServerSocket> sockets) throws IOException {
    for (ServerSocket socket : sockets) {
      socket.close();
    }
  }
}
