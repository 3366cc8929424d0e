package dev.capstan.cli.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who listens on a TCP port: the kernel's socket tables ({@code /proc/net/tcp}, {@code tcp6}) give
 * the socket's inode, and {@code /proc/<pid>/fd} links name the process that holds it (readable for
 * the user's own processes, and for all of them as root). Without {@code /proc}, a bind attempt
 * still tells taken from free.
 *
 * <p>Thread-safe (stateless).
 */
final class Listeners {
  private static final Path PROC = Path.of("/proc");
  private static final String LISTEN = "0A";

  private Listeners() {}

  /** A listening socket. */
  record Listener(int port, long inode) {}

  /** A process that holds a listening socket. */
  record Owner(long pid, String command) {
    String describe() {
      return "pid " + pid + (command.isBlank() ? "" : " (" + command + ")");
    }
  }

  /** Whether a port is taken, and by whom if that can be told. */
  record PortUse(boolean taken, Optional<Owner> owner) {}

  /** The listening sockets in the lines of a {@code /proc/net/tcp}-style table. */
  static List<Listener> parse(List<String> lines) {
    List<Listener> listeners = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.trim().split("\\s+");
      // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ..."
      if (fields.length < 10 || !fields[3].equals(LISTEN)) {
        continue;
      }
      int colon = fields[1].lastIndexOf(':');
      try {
        int port = Integer.parseInt(fields[1].substring(colon + 1), 16);
        listeners.add(new Listener(port, Long.parseLong(fields[9])));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        // why: the header line and anything malformed are not listeners.
        continue;
      }
    }
    return listeners;
  }

  /** Who uses {@code port} on this machine. */
  static PortUse of(int port, String host) {
    Optional<List<Listener>> table = table();
    if (table.isEmpty()) {
      return new PortUse(!bindable(port, host), Optional.empty());
    }
    List<Long> inodes =
        table.get().stream().filter(l -> l.port() == port).map(Listener::inode).toList();
    if (inodes.isEmpty()) {
      return new PortUse(false, Optional.empty());
    }
    return new PortUse(true, ownerOf(inodes));
  }

  private static Optional<List<Listener>> table() {
    List<Listener> all = new ArrayList<>();
    boolean read = false;
    for (String name : List.of("tcp", "tcp6")) {
      try {
        all.addAll(parse(Files.readAllLines(PROC.resolve("net").resolve(name))));
        read = true;
      } catch (IOException e) {
        // why: a kernel without IPv6 has no tcp6 table; one table is enough.
        continue;
      }
    }
    return read ? Optional.of(all) : Optional.empty();
  }

  private static Optional<Owner> ownerOf(List<Long> inodes) {
    List<String> links = inodes.stream().map(inode -> "socket:[" + inode + "]").toList();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC)) {
      for (Path process : processes) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        if (holdsAny(process.resolve("fd"), links)) {
          long pid = Long.parseLong(name);
          return Optional.of(new Owner(pid, command(process)));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean holdsAny(Path fdDir, List<String> links) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          if (links.contains(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException e) {
          continue;
        }
      }
    } catch (IOException | SecurityException e) {
      // why: another user's process; its fds are not ours to read.
      return false;
    }
    return false;
  }

  private static String command(Path process) {
    try {
      byte[] raw = Files.readAllBytes(process.resolve("cmdline"));
      String line = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
      if (!line.isEmpty()) {
        return line.length() > 80 ? line.substring(0, 79) + "…" : line;
      }
      return Files.readString(process.resolve("comm"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean bindable(int port, String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
