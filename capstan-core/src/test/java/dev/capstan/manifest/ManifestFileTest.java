package dev.capstan.manifest;

import static dev.capstan.manifest.ManifestBuilder.aManifest;
import static dev.capstan.testing.Generator.bytes;
import static dev.capstan.testing.Generator.combine;
import static dev.capstan.testing.Generator.doubles;
import static dev.capstan.testing.Generator.longs;
import static dev.capstan.testing.Generator.oneOf;
import static dev.capstan.testing.Generator.strings;
import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.json.Json;
import dev.capstan.testing.Generator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestFileTest {
  @TempDir Path dir;

  @Test
  void a_missing_file_is_missing() {
    ManifestFile file = new ManifestFile(dir.resolve("daemon.json"));

    ManifestFile.Read read = file.read();

    assertThat(read).isEqualTo(new ManifestFile.Read.Missing());
  }

  @Test
  void an_empty_file_is_corrupt() throws IOException {
    ManifestFile file = fileWith("");

    ManifestFile.Read read = file.read();

    assertThat(read).isEqualTo(new ManifestFile.Read.Corrupt("empty file"));
  }

  @Test
  void a_written_manifest_reads_back_valid_and_equal() {
    ManifestFile file = new ManifestFile(dir.resolve("daemon.json"));
    DaemonManifest manifest = aManifest().withPid(777).withPort(7430).build();

    file.write(manifest);

    assertThat(file.read()).isEqualTo(new ManifestFile.Read.Valid(manifest));
  }

  @Test
  void every_truncation_of_a_valid_manifest_is_corrupt_with_a_reason() throws IOException {
    byte[] whole = Json.mapper().writeValueAsBytes(aManifest().build());

    for (int length = 1; length < whole.length; length++) {
      ManifestFile file = fileWith(new String(whole, 0, length, StandardCharsets.UTF_8));

      ManifestFile.Read read = file.read();

      assertThat(read)
          .as("first %d of %d bytes", length, whole.length)
          .isInstanceOfSatisfying(
              ManifestFile.Read.Corrupt.class,
              corrupt -> assertThat(corrupt.reason()).isNotBlank());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "42",
        "\"daemon\"",
        "[]",
        "[1,2,3]",
        "{}",
        "{\"version\":1}",
        "not json at all",
        "{\"version\":1,} trailing",
        "\u0000\u0001\u0002\u00ff",
        "<html>502 Bad Gateway</html>"
      })
  void garbage_is_corrupt_with_a_reason(String content) throws IOException {
    ManifestFile file = fileWith(content);

    ManifestFile.Read read = file.read();

    assertThat(read)
        .isInstanceOfSatisfying(
            ManifestFile.Read.Corrupt.class, corrupt -> assertThat(corrupt.reason()).isNotBlank());
  }

  @Test
  void a_valid_manifest_followed_by_more_json_is_corrupt() throws IOException {
    String one = Json.mapper().writeValueAsString(aManifest().build());
    ManifestFile file = fileWith(one + one);

    ManifestFile.Read read = file.read();

    assertThat(read).isInstanceOf(ManifestFile.Read.Corrupt.class);
  }

  @Test
  void a_field_of_the_wrong_type_is_corrupt_quoting_the_value() throws IOException {
    ManifestFile file = fileWith(manifestJsonWith("pid", "\"not-a-number\""));

    ManifestFile.Read read = file.read();

    assertThat(read)
        .isInstanceOfSatisfying(
            ManifestFile.Read.Corrupt.class,
            corrupt -> assertThat(corrupt.reason()).contains("not-a-number"));
  }

  @Test
  void an_unparseable_instant_is_corrupt() throws IOException {
    ManifestFile file = fileWith(manifestJsonWith("startedAt", "\"yesterday\""));

    ManifestFile.Read read = file.read();

    assertThat(read).isInstanceOf(ManifestFile.Read.Corrupt.class);
  }

  @Test
  void a_negative_port_is_corrupt_naming_the_port() throws IOException {
    ManifestFile file = fileWith(manifestJsonWith("port", "-1"));

    ManifestFile.Read read = file.read();

    assertThat(read)
        .isInstanceOfSatisfying(
            ManifestFile.Read.Corrupt.class,
            corrupt -> assertThat(corrupt.reason()).contains("port").contains("-1"));
  }

  @Test
  void a_port_beyond_65535_is_corrupt() throws IOException {
    ManifestFile file = fileWith(manifestJsonWith("port", "70000"));

    ManifestFile.Read read = file.read();

    assertThat(read).isInstanceOf(ManifestFile.Read.Corrupt.class);
  }

  @Test
  void a_zero_pid_is_corrupt() throws IOException {
    ManifestFile file = fileWith(manifestJsonWith("pid", "0"));

    ManifestFile.Read read = file.read();

    assertThat(read)
        .isInstanceOfSatisfying(
            ManifestFile.Read.Corrupt.class,
            corrupt -> assertThat(corrupt.reason()).contains("pid"));
  }

  @Test
  void a_missing_field_is_corrupt_naming_it() throws IOException {
    String json = Json.mapper().writeValueAsString(aManifest().build());
    ManifestFile file = fileWith(json.replaceFirst("\"instanceId\":\"[^\"]*\",", ""));

    ManifestFile.Read read = file.read();

    assertThat(read)
        .isInstanceOfSatisfying(
            ManifestFile.Read.Corrupt.class,
            corrupt -> assertThat(corrupt.reason()).contains("instanceId"));
  }

  @Test
  void a_null_field_is_corrupt() throws IOException {
    ManifestFile file = fileWith(manifestJsonWith("url", "null"));

    ManifestFile.Read read = file.read();

    assertThat(read).isInstanceOf(ManifestFile.Read.Corrupt.class);
  }

  @Test
  void an_unknown_field_from_a_newer_version_is_tolerated() throws IOException {
    DaemonManifest manifest = aManifest().build();
    String json = Json.mapper().writeValueAsString(manifest);
    ManifestFile file = fileWith(json.replaceFirst("\\{", "{\"addedLater\":{\"x\":[1]},"));

    ManifestFile.Read read = file.read();

    assertThat(read).isEqualTo(new ManifestFile.Read.Valid(manifest));
  }

  @Test
  void a_directory_in_place_of_the_file_is_corrupt_not_an_exception() throws IOException {
    Path path = Files.createDirectory(dir.resolve("daemon.json"));

    ManifestFile.Read read = new ManifestFile(path).read();

    assertThat(read).isInstanceOf(ManifestFile.Read.Corrupt.class);
  }

  @Test
  void write_leaves_an_owner_only_file_and_no_temporary_files() throws IOException {
    Path path = dir.resolve("daemon.json");
    Files.writeString(path, "old");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));

    new ManifestFile(path).write(aManifest().build());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        .isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("daemon.json");
    }
  }

  @Test
  void a_reader_never_sees_a_torn_manifest_while_it_is_rewritten() throws Exception {
    ManifestFile file = new ManifestFile(dir.resolve("daemon.json"));
    // why: manifests of very different sizes make a torn read (new prefix, old tail) likely.
    List<DaemonManifest> manifests =
        List.of(
            aManifest().withPid(1).withHome("/h").build(),
            aManifest().withPid(2).withHome("/h/" + "x".repeat(4000)).build());
    file.write(manifests.get(0));
    AtomicBoolean writing = new AtomicBoolean(true);
    CompletableFuture<List<ManifestFile.Read>> reader =
        CompletableFuture.supplyAsync(
            () -> {
              java.util.ArrayList<ManifestFile.Read> bad = new java.util.ArrayList<>();
              while (writing.get()) {
                ManifestFile.Read read = file.read();
                if (!(read instanceof ManifestFile.Read.Valid)) {
                  bad.add(read);
                }
              }
              return bad;
            });

    for (int i = 0; i < 300; i++) {
      file.write(manifests.get(i % 2));
    }
    writing.set(false);

    assertThat(reader.get()).isEmpty();
  }

  @Test
  void move_aside_renames_the_file_with_the_utc_time_and_keeps_its_content() throws IOException {
    ManifestFile file = fileWith("{garbage");

    Optional<Path> aside = file.moveAside(Instant.parse("2030-01-02T03:04:05.678Z"));

    assertThat(aside).contains(dir.resolve("daemon.json.corrupt-20300102T030405.678Z"));
    assertThat(Files.readString(aside.orElseThrow())).isEqualTo("{garbage");
    assertThat(file.read()).isEqualTo(new ManifestFile.Read.Missing());
  }

  @Test
  void move_aside_of_a_missing_file_is_empty() {
    ManifestFile file = new ManifestFile(dir.resolve("daemon.json"));

    Optional<Path> aside = file.moveAside(Instant.parse("2030-01-02T03:04:05Z"));

    assertThat(aside).isEmpty();
  }

  @Test
  void delete_if_owned_by_deletes_the_owners_manifest() {
    ManifestFile file = new ManifestFile(dir.resolve("daemon.json"));
    file.write(aManifest().withInstanceId("mine").build());

    boolean deleted = file.deleteIfOwnedBy("mine");

    assertThat(deleted).isTrue();
    assertThat(file.read()).isEqualTo(new ManifestFile.Read.Missing());
  }

  @Test
  void delete_if_owned_by_keeps_a_successors_manifest() {
    ManifestFile file = new ManifestFile(dir.resolve("daemon.json"));
    DaemonManifest successor = aManifest().withInstanceId("successor").build();
    file.write(successor);

    boolean deleted = file.deleteIfOwnedBy("mine");

    assertThat(deleted).isFalse();
    assertThat(file.read()).isEqualTo(new ManifestFile.Read.Valid(successor));
  }

  @Test
  void delete_if_owned_by_keeps_a_corrupt_manifest() throws IOException {
    ManifestFile file = fileWith("{garbage");

    boolean deleted = file.deleteIfOwnedBy("mine");

    assertThat(deleted).isFalse();
    assertThat(Files.readString(file.path())).isEqualTo("{garbage");
  }

  @Test
  void delete_if_owned_by_without_a_manifest_is_false() {
    ManifestFile file = new ManifestFile(dir.resolve("daemon.json"));

    boolean deleted = file.deleteIfOwnedBy("mine");

    assertThat(deleted).isFalse();
  }

  @Test
  void reading_arbitrary_bytes_never_throws() {
    Path path = dir.resolve("daemon.json");

    forAll(
        300,
        bytes(512),
        content -> {
          Files.write(path, content);

          ManifestFile.Read read = new ManifestFile(path).read();

          assertThat(read).isNotInstanceOf(ManifestFile.Read.Missing.class);
        });
  }

  @Test
  void reading_a_manifest_with_any_field_set_to_any_json_never_throws() {
    Path path = dir.resolve("daemon.json");

    forAll(
        500,
        combine(FIELDS, JSON_VALUES, FieldValue::new),
        fieldValue -> {
          String json = manifestJsonWith(fieldValue.field(), fieldValue.rawValue());
          // why: getBytes writes an unpaired surrogate as '?', where Files.writeString would throw.
          Files.write(path, json.getBytes(StandardCharsets.UTF_8));

          ManifestFile.Read read = new ManifestFile(path).read();

          assertThat(read).isNotInstanceOf(ManifestFile.Read.Missing.class);
        });
  }

  /** A manifest field and the raw JSON written into it. */
  private record FieldValue(String field, String rawValue) {}

  private static final Generator<String> FIELDS =
      Generator.of(
          "version",
          "instanceId",
          "pid",
          "pidStartedAt",
          "host",
          "port",
          "url",
          "startedAt",
          "home",
          "logPath",
          "capstanVersion");

  private static final Generator<String> JSON_VALUES =
      oneOf(
          Generator.of(
              "null",
              "true",
              "\"\"",
              "\" \"",
              "{}",
              "[]",
              "[1]",
              "{\"a\":1}",
              "0",
              "-1",
              "1.5",
              "1e400",
              "-1e400",
              "1e300",
              "9223372036854775807",
              "9223372036854775808",
              "-9223372036854775809",
              "99999999999999999999999999999",
              "\"2030-13-45T99:00:00Z\"",
              "\"+1000000000-12-31T23:59:59.999999999Z\"",
              "\"-1000000001-01-01T00:00:00Z\""),
          longs().map(n -> Long.toString(n)),
          doubles().map(d -> Double.toString(d)),
          strings(0, 20).map(s -> Json.mapper().valueToTree(s).toString()));

  private ManifestFile fileWith(String content) throws IOException {
    Path path = dir.resolve("daemon.json");
    Files.writeString(path, content);
    return new ManifestFile(path);
  }

  private static String manifestJsonWith(String field, String rawValue) throws IOException {
    var node =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            Json.mapper().valueToTree(aManifest().build());
    node.set(field, Json.mapper().readTree(rawValue));
    return Json.mapper().writeValueAsString(node);
  }
}
