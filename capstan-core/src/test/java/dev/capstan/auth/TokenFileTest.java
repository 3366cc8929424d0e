package dev.capstan.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.time.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
  @TempDir Path dir;

  private final MutableClock clock = MutableClock.create();

  @Test
  void read_or_create_creates_an_owner_only_file_holding_the_token() throws IOException {
    TokenFile file = tokenFile();

    AuthToken token = file.readOrCreate(clock.instant());

    assertThat(permissions(file.path())).isEqualTo("rw-------");
    assertThat(Files.readString(file.path())).contains(token.value());
    assertThat(file.read()).contains(token);
  }

  @Test
  void the_token_persists_across_reads_and_instances() {
    AuthToken created = tokenFile().readOrCreate(clock.instant());
    clock.advance(Duration.ofDays(30));

    AuthToken again = tokenFile().readOrCreate(clock.instant());
    AuthToken read = tokenFile().read().orElseThrow();

    assertThat(again).isEqualTo(created);
    assertThat(read).isEqualTo(created);
  }

  @Test
  void rotate_replaces_the_token_in_the_file() throws IOException {
    TokenFile file = tokenFile();
    AuthToken before = file.readOrCreate(clock.instant());
    String contentBefore = Files.readString(file.path());

    AuthToken after = file.rotate(clock.advance(Duration.ofMinutes(1)));

    assertThat(after).isNotEqualTo(before);
    assertThat(file.read()).contains(after);
    assertThat(Files.readString(file.path()))
        .isNotEqualTo(contentBefore)
        .doesNotContain(before.value());
    assertThat(permissions(file.path())).isEqualTo("rw-------");
  }

  @Test
  void the_file_records_when_the_token_was_created() throws IOException {
    TokenFile file = tokenFile();

    file.readOrCreate(clock.instant());

    assertThat(Files.readString(file.path())).contains(MutableClock.DEFAULT_START.toString());
  }

  @Test
  void read_or_create_repairs_a_file_readable_by_others_and_keeps_its_token() throws IOException {
    TokenFile file = tokenFile();
    AuthToken token = file.readOrCreate(clock.instant());
    Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-r--r--"));

    AuthToken again = file.readOrCreate(clock.instant());

    assertThat(again).isEqualTo(token);
    assertThat(permissions(file.path())).isEqualTo("rw-------");
  }

  @Test
  void read_of_a_missing_file_is_empty() {
    assertThat(tokenFile().read()).isEmpty();
  }

  @Test
  void a_corrupt_file_reads_empty_and_is_replaced_by_read_or_create() throws IOException {
    TokenFile file = tokenFile();
    Files.writeString(file.path(), "{\"token\":");

    assertThat(file.read()).isEmpty();
    AuthToken created = file.readOrCreate(clock.instant());

    assertThat(file.read()).contains(created);
  }

  @Test
  void a_file_with_an_empty_token_reads_empty() throws IOException {
    TokenFile file = tokenFile();
    Files.writeString(file.path(), "{\"version\":1,\"token\":\"  \"}");

    assertThat(file.read()).isEmpty();
  }

  @Test
  void rotating_leaves_no_temporary_files() throws IOException {
    TokenFile file = tokenFile();

    for (int i = 0; i < 5; i++) {
      file.rotate(clock.instant());
    }

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("auth.json");
    }
  }

  private TokenFile tokenFile() {
    return new TokenFile(dir.resolve("auth.json"), new SecureRandom());
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
