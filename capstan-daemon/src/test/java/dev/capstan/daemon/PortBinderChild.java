package dev.capstan.daemon;

import dev.capstan.config.PortRange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Runs {@link PortBinder#bind} in a process of its own, so a test can give it another system
 * locale. Prints {@code RAW <message>} (what the OS says about binding the preferred port directly)
 * and then {@code BOUND <port> <fellBack>} or {@code FAILED <exception>}.
 *
 * <p>Arguments: host, preferred port, fallback range. A single-threaded program.
 */
public final class PortBinderChild {
  private PortBinderChild() {}

  public static void main(String[] args) {
    String host = args[0];
    int preferred = Integer.parseInt(args[1]);
    PortRange range = PortRange.parse(args[2]);
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      probe.bind(new InetSocketAddress(host, preferred));
      System.out.println("RAW bound");
    } catch (IOException e) {
      System.out.println("RAW " + e.getMessage());
    }
    try {
      PortBinder.Bound bound = PortBinder.bind(host, preferred, range);
      System.out.println("BOUND " + bound.port() + " " + bound.fellBack());
      bound.channel().close();
    } catch (RuntimeException | IOException e) {
      System.out.println("FAILED " + e);
    }
  }
}
