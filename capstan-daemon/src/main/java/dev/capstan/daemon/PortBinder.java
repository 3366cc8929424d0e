package dev.capstan.daemon;

import dev.capstan.config.CapstanSettings;
import dev.capstan.config.ConfigInvalid;
import dev.capstan.config.PortRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import java.util.PrimitiveIterator;

/**
 * Binds the listening socket itself, before the HTTP server starts, so the port that is reported is
 * the port that is held: first the preferred port, then each port of the fallback range.
 *
 * <p>Stateless and thread-safe.
 */
final class PortBinder {
  private static final int BACKLOG = 1024;

  private PortBinder() {}

  /**
   * A bound, listening socket.
   *
   * @param channel the channel, owned by the caller from now on
   * @param port the port it is bound to
   * @param fellBack whether the preferred port was taken
   */
  record Bound(ServerSocketChannel channel, int port, boolean fellBack) {}

  /**
   * Binds {@code host:preferred}, else the first free port of {@code range}.
   *
   * @throws NoFreePort when every candidate is taken
   */
  static Bound bind(String host, int preferred, PortRange range) {
    Optional<ServerSocketChannel> first = tryBind(host, preferred);
    if (first.isPresent()) {
      return new Bound(first.get(), localPort(first.get()), false);
    }
    if (preferred == 0) {
      throw new NoFreePort(host, preferred, range);
    }
    PrimitiveIterator.OfInt ports = range.ports().iterator();
    while (ports.hasNext()) {
      int port = ports.nextInt();
      if (port == preferred) {
        continue;
      }
      Optional<ServerSocketChannel> bound = tryBind(host, port);
      if (bound.isPresent()) {
        return new Bound(bound.get(), port, true);
      }
    }
    throw new NoFreePort(host, preferred, range);
  }

  private static Optional<ServerSocketChannel> tryBind(String host, int port) {
    ServerSocketChannel channel;
    try {
      channel = ServerSocketChannel.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a server socket", e);
    }
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(host, port), BACKLOG);
      return Optional.of(channel);
    } catch (BindException e) {
      close(channel);
      // why: the message comes from the C library and is translated under a non-English system
      // locale, so tell "port taken" from "host unusable" by whether the host binds any port.
      if (hostBindsAnyPort(host)) {
        return Optional.empty();
      }
      throw new ConfigInvalid(
          CapstanSettings.HOST.key(),
          "Cannot bind " + host + ":" + port + ": " + e.getMessage(),
          "Set daemon.host / CAPSTAN_HOST / --host to an address of this machine, such as"
              + " 127.0.0.1.");
    } catch (UnresolvedAddressException e) {
      close(channel);
      throw new ConfigInvalid(
          CapstanSettings.HOST.key(),
          "Cannot resolve the host '" + host + "'",
          "Set daemon.host / CAPSTAN_HOST / --host to an address of this machine, such as"
              + " 127.0.0.1.");
    } catch (IOException e) {
      close(channel);
      throw new UncheckedIOException("cannot bind " + host + ":" + port, e);
    }
  }

  private static boolean hostBindsAnyPort(String host) {
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      probe.bind(new InetSocketAddress(host, 0));
      return true;
    } catch (IOException | UnresolvedAddressException e) {
      return false;
    }
  }

  private static int localPort(ServerSocketChannel channel) {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bound port", e);
    }
  }

  private static void close(ServerSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // why: the channel never bound; nothing to release beyond the descriptor.
    }
  }
}
