package dev.capstan.approval;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** A decision came for an approval that another decision (or a cancel, or a timeout) resolved. */
public final class ApprovalAlreadyResolved extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final transient Approval existing;

  public ApprovalAlreadyResolved(Approval existing) {
    super(
        ErrorCode.ALREADY_RESOLVED,
        "Approval "
            + existing.id()
            + " is already "
            + existing.status().wireName()
            + existing.decidedBy().map(by -> " by " + by).orElse("")
            + existing.decidedAt().map(at -> " at " + at).orElse("")
            + existing.reason().filter(r -> !r.isBlank()).map(r -> " (" + r + ")").orElse("")
            + ".",
        "The first decision wins; nothing was changed.");
    this.existing = existing;
  }

  /** The resolution that stands. */
  public Approval existing() {
    return existing;
  }
}
