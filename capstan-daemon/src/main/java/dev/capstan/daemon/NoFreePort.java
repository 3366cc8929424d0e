package dev.capstan.daemon;

import dev.capstan.config.PortRange;
import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** The preferred port and every port of the fallback range are taken. */
public final class NoFreePort extends CapstanException {
  private static final long serialVersionUID = 1L;

  NoFreePort(String host, int preferred, PortRange range) {
    super(
        ErrorCode.SERVICE_UNAVAILABLE,
        "Cannot start the daemon: port "
            + preferred
            + " and every port in the fallback range "
            + range
            + " on "
            + host
            + " are in use.",
        "Stop the processes holding them (`ss -ltnp` shows who), or choose other ports with"
            + " --port / CAPSTAN_PORT and --port-range / CAPSTAN_PORT_RANGE (--port 0 takes any"
            + " free port).");
  }
}
