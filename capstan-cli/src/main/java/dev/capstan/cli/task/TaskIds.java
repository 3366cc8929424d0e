package dev.capstan.cli.task;

import dev.capstan.cli.CliException;
import dev.capstan.cli.Table;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import java.util.regex.Pattern;

/**
 * Task ids as users type them. Ids are positive whole numbers; anything else cannot name a task, so
 * it is answered "not found" here and never reaches a request path.
 *
 * <p>Thread-safe (stateless).
 */
final class TaskIds {
  private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");

  private TaskIds() {}

  /** The id as a number; "not found" for anything that is not a task id. */
  static long parse(String id) {
    String trimmed = id == null ? "" : id.trim();
    if (trimmed.startsWith("#")) {
      trimmed = trimmed.substring(1);
    }
    if (!ID.matcher(trimmed).matches()) {
      throw new CliException(
          ExitCode.NOT_FOUND,
          ErrorCode.NOT_FOUND,
          "No task '" + Table.printable(String.valueOf(id)) + "': task ids are whole numbers.",
          "`capstan task list` shows the tasks and their ids.");
    }
    return Long.parseLong(trimmed);
  }

  /** The API path of the task {@code id}. */
  static String path(String id) {
    return "/api/tasks/" + parse(id);
  }
}
