package dev.capstan.daemon.http;

import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks {@code Authorization: Bearer <token>} in constant time and rotates the token.
 *
 * <p>Thread-safe: the current token is swapped atomically.
 */
public final class BearerAuth {
  private static final String PREFIX = "Bearer ";

  private final AtomicReference<AuthToken> current;
  private final TokenFile tokenFile;
  private final Clock clock;

  public BearerAuth(AuthToken initial, TokenFile tokenFile, Clock clock) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    this.tokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Accepts the header or throws {@link Unauthorized}.
   *
   * @param authorizationHeader the raw header value, possibly null
   */
  void check(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new Unauthorized("Missing bearer token.");
    }
    if (!authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new Unauthorized("The Authorization header is not a bearer token.");
    }
    String presented = authorizationHeader.substring(PREFIX.length()).trim();
    if (!current.get().matches(presented)) {
      throw new Unauthorized("Invalid bearer token.");
    }
  }

  /** Writes a new token to {@code auth.json}; the old one stops working at once. */
  void rotate() {
    synchronized (tokenFile) {
      current.set(tokenFile.rotate(clock.instant()));
    }
  }

  /** A request without valid credentials. */
  static final class Unauthorized extends CapstanException {
    private static final long serialVersionUID = 1L;

    Unauthorized(String message) {
      super(
          ErrorCode.UNAUTHORIZED,
          message,
          "Send Authorization: Bearer <token>. The token is in auth.json in the Capstan home; the"
              + " capstan CLI sends it for you, and CAPSTAN_TOKEN sets it for a remote daemon.");
    }
  }
}
