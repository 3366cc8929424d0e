package dev.capstan.daemon.http;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time tickets for clients that cannot send an Authorization header (a browser's WebSocket or
 * EventSource): an authenticated {@code POST /api/ws/ticket} returns a ticket that opens one
 * connection within 30 seconds. The token itself never goes into a URL.
 *
 * <p>Thread-safe.
 */
final class WsTickets {
  static final Duration LIFETIME = Duration.ofSeconds(30);
  private static final int MAX_OUTSTANDING = 10_000;

  private final Map<String, Instant> tickets = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  WsTickets(Clock clock) {
    this.clock = clock;
  }

  /** A fresh ticket. */
  String issue() {
    Instant now = clock.instant();
    if (tickets.size() >= MAX_OUTSTANDING) {
      tickets.values().removeIf(expiry -> expiry.isBefore(now));
    }
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    tickets.put(ticket, now.plus(LIFETIME));
    return ticket;
  }

  /** Consumes a ticket; true if it existed and had not expired. */
  boolean redeem(String ticket) {
    if (ticket == null) {
      return false;
    }
    Instant expiry = tickets.remove(ticket);
    return expiry != null && !expiry.isBefore(clock.instant());
  }
}
