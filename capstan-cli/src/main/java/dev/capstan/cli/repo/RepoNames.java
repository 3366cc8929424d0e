package dev.capstan.cli.repo;

import dev.capstan.cli.CliException;
import dev.capstan.cli.Table;
import dev.capstan.cli.client.DaemonApi;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import java.util.regex.Pattern;

/**
 * The names repos can have ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}, no {@code ..}). A name outside
 * that set cannot name an existing repo, so the CLI answers "not found" without sending it
 * anywhere; this also keeps such text out of request paths.
 *
 * <p>Thread-safe (stateless).
 */
public final class RepoNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private RepoNames() {}

  /** Whether {@code name} is a possible repo name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches() && !name.contains("..");
  }

  /** The API path of repo {@code name}; unknown for impossible names. */
  public static String path(String name) {
    if (!isValid(name)) {
      throw notFound(name);
    }
    return "/api/repos/" + DaemonApi.encode(name);
  }

  static CliException notFound(String name) {
    return new CliException(
        ExitCode.NOT_FOUND,
        ErrorCode.NOT_FOUND,
        "No repo named '" + Table.printable(name) + "'.",
        "Repo names are letters, digits, '.', '_' and '-' (no '..'); `capstan repo list` shows"
            + " them.");
  }
}
