package dev.capstan.cli.doctor;

import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of one doctor check.
 *
 * <p>Immutable.
 *
 * @param name short name of what was checked ({@code home}, {@code manifest}, ...)
 * @param status how it stands once doctor is done (a repaired problem is {@code OK} with {@code
 *     fixed})
 * @param finding one line saying what was found
 * @param fix the exact command that repairs it, or what {@code --fix} did; empty when nothing is to
 *     be done
 * @param fixed whether {@code --fix} repaired it in this run
 */
public record Check(String name, Status status, String finding, String fix, boolean fixed) {
  public Check {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(finding, "finding");
    Objects.requireNonNull(fix, "fix");
  }

  /** How a check stands. */
  public enum Status {
    OK,
    WARN,
    FAIL;

    /** The lower-case name used in JSON and tables. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static Check ok(String name, String finding) {
    return new Check(name, Status.OK, finding, "", false);
  }

  static Check warn(String name, String finding, String fix) {
    return new Check(name, Status.WARN, finding, fix, false);
  }

  static Check fail(String name, String finding, String fix) {
    return new Check(name, Status.FAIL, finding, fix, false);
  }

  static Check repaired(String name, String finding, String whatWasDone) {
    return new Check(name, Status.OK, finding, whatWasDone, true);
  }
}
