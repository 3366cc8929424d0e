package dev.capstan.daemon;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;
import java.nio.file.Path;
import java.util.Optional;

/** Another live daemon holds the lock on this home. */
public final class HomeOwned extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final long ownerPid;

  HomeOwned(Path home, long ownerPid, Optional<String> ownerUrl) {
    super(
        ErrorCode.CONFLICT,
        "Another Capstan daemon already owns "
            + home
            + " (pid "
            + (ownerPid > 0 ? Long.toString(ownerPid) : "unknown")
            + ownerUrl.map(url -> ", " + url).orElse("")
            + "). Refusing to start a second daemon on the same home.",
        "Use the running daemon, stop it with `capstan daemon stop`, or give this one its own"
            + " CAPSTAN_HOME.");
    this.ownerPid = ownerPid;
  }

  /** The pid of the owner, or 0 when it is unknown. */
  public long ownerPid() {
    return ownerPid;
  }
}
