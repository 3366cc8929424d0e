package dev.capstan.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build of Capstan, stamped by the build into a resource.
 *
 * <p>Thread-safe (immutable after class initialisation).
 */
public final class CapstanVersion {
  private static final String VERSION = load();

  private CapstanVersion() {}

  /** The version string, for example {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = CapstanVersion.class.getResourceAsStream("capstan-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled version resource", e);
    }
  }
}
