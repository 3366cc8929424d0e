package dev.capstan.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void write_owner_only_creates_the_file_with_the_content_and_mode_0600() throws IOException {
    Path target = dir.resolve("file.json");

    AtomicFiles.writeOwnerOnly(target, "hello".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(target)).isEqualTo("hello");
    assertThat(permissions(target)).isEqualTo("rw-------");
  }

  @Test
  void write_owner_only_replaces_an_existing_file_and_its_mode() throws IOException {
    Path target = dir.resolve("file.json");
    Files.writeString(target, "a much longer old content that must disappear entirely");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));

    AtomicFiles.writeOwnerOnly(target, "new".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(permissions(target)).isEqualTo("rw-------");
  }

  @Test
  void write_owner_only_leaves_no_temporary_file() throws IOException {
    Path target = dir.resolve("file.json");

    AtomicFiles.writeOwnerOnly(target, new byte[0]);
    AtomicFiles.writeOwnerOnly(target, new byte[] {1, 2, 3});

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("file.json");
    }
  }

  @Test
  void write_owner_only_into_a_missing_directory_fails_and_leaves_nothing() {
    Path target = dir.resolve("missing/file.json");

    assertThatThrownBy(() -> AtomicFiles.writeOwnerOnly(target, new byte[] {1}))
        .isInstanceOf(IOException.class);
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void create_owner_only_makes_an_empty_0600_file() throws IOException {
    Path file = dir.resolve("new");

    AtomicFiles.createOwnerOnly(file);

    assertThat(Files.size(file)).isZero();
    assertThat(permissions(file)).isEqualTo("rw-------");
  }

  @Test
  void create_owner_only_refuses_an_existing_file() throws IOException {
    Path file = Files.writeString(dir.resolve("existing"), "keep");

    assertThatThrownBy(() -> AtomicFiles.createOwnerOnly(file))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(file)).isEqualTo("keep");
  }

  @Test
  void ensure_owner_only_directory_creates_parents_with_mode_0700() throws IOException {
    Path nested = dir.resolve("a/b");

    AtomicFiles.ensureOwnerOnlyDirectory(nested);

    assertThat(Files.isDirectory(nested)).isTrue();
    assertThat(permissions(nested)).isEqualTo("rwx------");
  }

  @Test
  void ensure_owner_only_directory_tightens_an_open_directory() throws IOException {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));

    AtomicFiles.ensureOwnerOnlyDirectory(open);

    assertThat(permissions(open)).isEqualTo("rwx------");
  }

  @Test
  void ensure_owner_only_directory_fails_on_a_file_naming_it() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");

    assertThatThrownBy(() -> AtomicFiles.ensureOwnerOnlyDirectory(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void restrict_to_owner_tightens_a_world_readable_file() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    AtomicFiles.restrictToOwner(file);

    assertThat(permissions(file)).isEqualTo("rw-------");
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
