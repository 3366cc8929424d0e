package dev.capstan.daemon.http;

import static dev.capstan.daemon.ErrorShape.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.auth.AuthToken;
import dev.capstan.auth.TokenFile;
import dev.capstan.daemon.RunningDaemon;
import dev.capstan.error.ErrorCode;
import dev.capstan.time.MutableClock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerAuthTest {
  @TempDir Path dir;

  private final MutableClock clock = MutableClock.create();

  @Test
  void accepts_the_current_token() {
    BearerAuth auth = authWith(new AuthToken("right"));

    assertThatCode(() -> auth.check("Bearer right")).doesNotThrowAnyException();
    assertThatCode(() -> auth.check("bearer right ")).doesNotThrowAnyException();
  }

  @Test
  void rejects_a_missing_header() {
    BearerAuth auth = authWith(new AuthToken("right"));

    assertThatThrownBy(() -> auth.check(null))
        .isInstanceOfSatisfying(
            BearerAuth.Unauthorized.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
              assertThat(e.getMessage()).isEqualTo("Missing bearer token.");
              assertThat(e.hint()).contains("auth.json");
            });
    assertThatThrownBy(() -> auth.check("  ")).isInstanceOf(BearerAuth.Unauthorized.class);
  }

  @Test
  void rejects_another_scheme_and_a_wrong_token_without_echoing_it() {
    BearerAuth auth = authWith(new AuthToken("right"));

    assertThatThrownBy(() -> auth.check("Basic right"))
        .isInstanceOf(BearerAuth.Unauthorized.class)
        .hasMessage("The Authorization header is not a bearer token.");
    assertThatThrownBy(() -> auth.check("Bearer wrong-guess"))
        .isInstanceOf(BearerAuth.Unauthorized.class)
        .hasMessage("Invalid bearer token.");
    assertThatThrownBy(() -> auth.check("Bearer ")).isInstanceOf(BearerAuth.Unauthorized.class);
  }

  @Test
  void rotate_writes_a_new_token_and_only_it_is_accepted() {
    TokenFile file = new TokenFile(dir.resolve("auth.json"), new SecureRandom());
    AuthToken old = file.readOrCreate(clock.instant());
    BearerAuth auth = new BearerAuth(old, file, clock);

    auth.rotate();

    AuthToken rotated = file.read().orElseThrow();
    assertThat(rotated).isNotEqualTo(old);
    assertThatCode(() -> auth.check("Bearer " + rotated.value())).doesNotThrowAnyException();
    assertThatThrownBy(() -> auth.check("Bearer " + old.value()))
        .isInstanceOf(BearerAuth.Unauthorized.class);
  }

  @Test
  void the_rotate_route_retires_the_old_token_at_once() throws IOException {
    try (RunningDaemon daemon = RunningDaemon.start(dir)) {
      AuthToken old = daemon.token();
      String fileBefore = Files.readString(daemon.home().authFile());

      HttpResponse<String> response = daemon.post("/api/token/rotate", Optional.empty());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).doesNotContain(old.value());
      AuthToken rotated = daemon.token();
      assertThat(rotated).isNotEqualTo(old);
      assertThat(response.body()).doesNotContain(rotated.value());
      assertThat(Files.readString(daemon.home().authFile())).isNotEqualTo(fileBefore);
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(daemon.home().authFile())))
          .isEqualTo("rw-------");
      HttpResponse<String> withOld =
          daemon.send(
              daemon.request("/api/daemon").header("Authorization", "Bearer " + old.value()).GET());
      assertError(withOld, 401, "UNAUTHORIZED");
      assertThat(daemon.get("/api/daemon").statusCode()).isEqualTo(200);
    }
  }

  private BearerAuth authWith(AuthToken token) {
    return new BearerAuth(
        token, new TokenFile(dir.resolve("auth.json"), new SecureRandom()), clock);
  }
}
