package dev.capstan.cli.task;

import dev.capstan.cli.CliException;
import dev.capstan.error.ErrorCode;
import dev.capstan.error.ExitCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where {@code task add} gets its prompt: the argument, a file, or standard input ({@code -}).
 * Exactly one source; the prompt is UTF-8, not blank, and at most {@link #MAX_BYTES} long (the
 * daemon enforces the same limit).
 *
 * <p>Thread-safe (stateless).
 */
final class Prompts {
  /** The largest prompt, in UTF-8 bytes: 1 MiB. */
  static final int MAX_BYTES = 1 << 20;

  private Prompts() {}

  static String read(CommandSpec spec, String argument, Path file, InputStream stdin) {
    if (argument != null && file != null) {
      throw usage(spec, "Give the prompt either as an argument or with --prompt-file, not both.");
    }
    if (argument == null && file == null) {
      throw usage(
          spec,
          "Missing the prompt: give it as an argument, with --prompt-file FILE, or '-' to read"
              + " standard input.");
    }
    String text;
    if (file != null) {
      text = decode(readFile(file), "--prompt-file " + file);
    } else if (argument.equals("-")) {
      text = decode(readLimited(stdin), "standard input");
    } else {
      text = argument;
      checkSize(text.getBytes(StandardCharsets.UTF_8).length);
    }
    if (text.isBlank()) {
      throw usage(spec, "The prompt is empty.");
    }
    return text;
  }

  private static byte[] readFile(Path file) {
    try {
      long size = Files.size(file);
      checkSize(size);
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CliException(
          ExitCode.USAGE,
          ErrorCode.BAD_REQUEST,
          "Cannot read the prompt: " + file + " does not exist.",
          "Check the path given to --prompt-file.");
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE,
          ErrorCode.BAD_REQUEST,
          "Cannot read the prompt from " + file + ": " + e.getMessage(),
          "Check the path given to --prompt-file.",
          e);
    }
  }

  private static byte[] readLimited(InputStream in) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        bytes.write(buffer, 0, read);
        // why: stop reading a stream that is too large instead of buffering all of it.
        checkSize(bytes.size());
      }
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILURE,
          ErrorCode.BAD_REQUEST,
          "Cannot read the prompt from standard input: " + e.getMessage(),
          "",
          e);
    }
    return bytes.toByteArray();
  }

  private static void checkSize(long bytes) {
    if (bytes > MAX_BYTES) {
      throw new CliException(
          ExitCode.USAGE,
          ErrorCode.PAYLOAD_TOO_LARGE,
          "The prompt is larger than the limit of " + MAX_BYTES + " bytes (1 MiB).",
          "Put long material in a file inside the repo and refer to it from a short prompt.");
    }
  }

  private static String decode(byte[] bytes, String source) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(
          ExitCode.USAGE,
          ErrorCode.BAD_REQUEST,
          "The prompt from " + source + " is not valid UTF-8 text.",
          "Convert it to UTF-8 first (for example with iconv).");
    }
  }

  private static CommandLine.ParameterException usage(CommandSpec spec, String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
