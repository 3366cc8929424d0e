package dev.capstan.approval;

import dev.capstan.error.CapstanException;
import dev.capstan.error.ErrorCode;

/** No approval has the given id. */
public final class ApprovalNotFound extends CapstanException {
  private static final long serialVersionUID = 1L;

  private final String approvalId;

  public ApprovalNotFound(String approvalId) {
    super(
        ErrorCode.NOT_FOUND,
        "No approval '" + approvalId + "'.",
        "`capstan approvals list` (GET /api/approvals) lists them.");
    this.approvalId = approvalId;
  }

  /** The id asked for. */
  public String approvalId() {
    return approvalId;
  }
}
