package dev.capstan.cli.doctor;

import dev.capstan.auth.TokenFile;
import dev.capstan.config.CapstanSettings;
import dev.capstan.config.ConfigInvalid;
import dev.capstan.config.SettingsResolver;
import dev.capstan.home.AtomicFiles;
import dev.capstan.home.CapstanHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The checks of the home directory itself: the directory and its mode, the token file, and the
 * configuration.
 *
 * <p>Thread-safe (stateless).
 */
final class HomeChecks {
  private HomeChecks() {}

  /** The settings doctor works with, and what the configuration check found. */
  record Config(Check check, CapstanSettings settings) {}

  /** The home directory: exists, is a directory, mode 0700, logs directory present. */
  static Check home(CapstanHome home, boolean fix) {
    Path root = home.root();
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      if (fix) {
        home.ensureExists();
        return Check.repaired(
            "home", root + " did not exist", "created it with mode 0700 (and its logs directory)");
      }
      return Check.warn(
          "home",
          root + " does not exist yet (the first daemon start creates it)",
          "capstan daemon start");
    }
    if (!Files.isDirectory(root)) {
      return Check.fail(
          "home",
          root + " exists but is not a directory",
          "move " + root + " away, or set CAPSTAN_HOME to a directory");
    }
    String mode = mode(root);
    boolean ownerOnly = mode.equals("rwx------");
    boolean logsMissing = !Files.isDirectory(home.logDir());
    if (ownerOnly && !logsMissing) {
      return Check.ok("home", root + " (mode 0700)");
    }
    String finding =
        ownerOnly
            ? root + " has no logs directory"
            : root + " has mode " + octal(mode) + "; it holds the token and must be 0700";
    if (fix) {
      home.ensureExists();
      return Check.repaired(
          "home", finding, ownerOnly ? "created " + home.logDir() : "set its mode to 0700");
    }
    return ownerOnly
        ? Check.warn("home", finding, "capstan doctor --fix")
        : Check.fail("home", finding, "chmod 700 " + root);
  }

  /** {@code auth.json}: present, mode 0600, a readable token. Never prints the token. */
  static Check auth(CapstanHome home, boolean fix) {
    Path file = home.authFile();
    if (!Files.isDirectory(home.root())) {
      return Check.ok("auth", "no token yet (the first daemon start creates " + file + ")");
    }
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Check.warn(
          "auth",
          file + " is missing (the daemon creates it when it starts)",
          "capstan daemon start");
    }
    boolean readable;
    try {
      readable = new TokenFile(file).read().isPresent();
    } catch (UncheckedIOException e) {
      return Check.fail(
          "auth",
          "cannot read " + file + ": " + e.getCause().getMessage(),
          "chmod 600 " + file + " (as its owner)");
    }
    if (!readable) {
      return Check.fail(
          "auth", file + " holds no readable token", "capstan daemon restart (creates a new one)");
    }
    String mode = mode(file);
    if (mode.equals("rw-------")) {
      return Check.ok("auth", file + " (mode 0600, token readable)");
    }
    String finding = file + " has mode " + octal(mode) + "; a token file must be 0600";
    if (fix) {
      try {
        AtomicFiles.restrictToOwner(file);
      } catch (IOException e) {
        return Check.fail("auth", finding + " (" + e.getMessage() + ")", "chmod 600 " + file);
      }
      return Check.repaired("auth", finding, "set its mode to 0600");
    }
    return Check.fail("auth", finding, "chmod 600 " + file);
  }

  /**
   * {@code config.toml} and the {@code CAPSTAN_*} environment: do they resolve? When they do not,
   * doctor carries on with what still resolves (the environment alone, else the defaults).
   */
  static Config config(CapstanHome home, Map<String, String> env) {
    Path file = home.configFile();
    String where =
        Files.exists(file) ? file.toString() : "defaults and environment (no " + file + ")";
    try {
      CapstanSettings settings = SettingsResolver.resolve(Map.of(), env, file).settings();
      return new Config(Check.ok("config", where + " resolves"), settings);
    } catch (ConfigInvalid | IllegalArgumentException e) {
      String hint = e instanceof ConfigInvalid invalid ? invalid.hint() : "";
      Check check =
          Check.fail(
              "config",
              e.getMessage(),
              hint.isBlank() ? "correct the value named above (see `capstan config show`)" : hint);
      return new Config(check, fallback(home, env));
    } catch (RuntimeException e) {
      return new Config(
          Check.fail("config", "cannot read " + file + ": " + e.getMessage(), "chmod 600 " + file),
          fallback(home, env));
    }
  }

  private static CapstanSettings fallback(CapstanHome home, Map<String, String> env) {
    Path none = home.root().resolve(".doctor-no-config.toml");
    try {
      return SettingsResolver.resolve(Map.of(), env, none).settings();
    } catch (RuntimeException e) {
      return SettingsResolver.resolve(Map.of(), Map.of(), none).settings();
    }
  }

  private static String mode(Path path) {
    try {
      Set<PosixFilePermission> permissions =
          Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
      return PosixFilePermissions.toString(permissions);
    } catch (IOException | UnsupportedOperationException e) {
      return "?";
    }
  }

  /** {@code rwxr-xr-x} as {@code 0755}. */
  static String octal(String mode) {
    if (mode.length() != 9) {
      return mode;
    }
    StringBuilder octal = new StringBuilder("0");
    for (int group = 0; group < 3; group++) {
      int digit = 0;
      for (int bit = 0; bit < 3; bit++) {
        if (mode.charAt(group * 3 + bit) != '-') {
          digit |= 4 >> bit;
        }
      }
      octal.append(digit);
    }
    return octal.toString();
  }
}
