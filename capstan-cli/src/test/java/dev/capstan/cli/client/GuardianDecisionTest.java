package dev.capstan.cli.client;

import static dev.capstan.manifest.ManifestBuilder.aManifest;
import static dev.capstan.testing.Generator.combine;
import static dev.capstan.testing.Generator.longs;
import static dev.capstan.testing.Generator.oneOf;
import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.cli.client.GuardianSnapshot.Identity;
import dev.capstan.cli.client.GuardianSnapshot.Probe;
import dev.capstan.manifest.DaemonManifest;
import dev.capstan.manifest.ManifestFile;
import dev.capstan.process.LockProbe;
import dev.capstan.testing.Generator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The crash guardian's decision table. Decisions are written as text so the table reads like a
 * spec: {@code Use}, {@code Hung}, {@code Unauthorized}, {@code Impostor}, {@code
 * AwaitStartup:<pid>} and {@code StartFresh:<cleanup>}.
 */
class GuardianDecisionTest {
  private static final long MANIFEST_PID = 100;
  private static final long OTHER_PID = 200;
  private static final DaemonManifest MANIFEST = aManifest().withPid(MANIFEST_PID).build();

  /** Any snapshot, including ones the connector never gathers (probes of a dead process). */
  private static final Generator<GuardianSnapshot> SNAPSHOTS = snapshots();

  /** The lock states of the table, named from the manifest's point of view. */
  enum Lock {
    HELD_BY_MANIFEST_PID(new LockProbe.LockState.Held(MANIFEST_PID)),
    HELD_BY_OTHER_PID(new LockProbe.LockState.Held(OTHER_PID)),
    FREE(new LockProbe.LockState.Free()),
    UNKNOWN(new LockProbe.LockState.Unknown());

    final LockProbe.LockState state;

    Lock(LockProbe.LockState state) {
      this.state = state;
    }
  }

  /** How the manifest read. */
  enum Manifest {
    MISSING(new ManifestFile.Read.Missing()),
    CORRUPT(new ManifestFile.Read.Corrupt("empty file")),
    VALID(new ManifestFile.Read.Valid(MANIFEST));

    final ManifestFile.Read read;

    Manifest(ManifestFile.Read read) {
      this.read = read;
    }
  }

  // --- the table, for the snapshots DaemonConnector actually gathers

  @ParameterizedTest(name = "{0} manifest, lock {1} -> {2}")
  @CsvSource({
    "MISSING, HELD_BY_MANIFEST_PID, AwaitStartup:100",
    "MISSING, HELD_BY_OTHER_PID,    AwaitStartup:200",
    "MISSING, FREE,                 StartFresh:NONE",
    "MISSING, UNKNOWN,              StartFresh:NONE",
    "CORRUPT, HELD_BY_MANIFEST_PID, AwaitStartup:100",
    "CORRUPT, HELD_BY_OTHER_PID,    AwaitStartup:200",
    "CORRUPT, FREE,                 StartFresh:MOVE_CORRUPT_ASIDE",
    "CORRUPT, UNKNOWN,              StartFresh:MOVE_CORRUPT_ASIDE",
  })
  void without_a_valid_manifest_the_lock_decides(Manifest manifest, Lock lock, String expected) {
    GuardianSnapshot snapshot =
        new GuardianSnapshot(
            manifest.read, lock.state, false, Probe.NOT_PROBED, Identity.NOT_PROBED);

    GuardianDecision decision = GuardianDecision.decide(snapshot);

    assertThat(describe(decision)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "alive={1} health={2} identity={3}, lock {0} -> {4}")
  @CsvSource({
    // the manifest's process is gone (or its pid was recycled)
    "HELD_BY_MANIFEST_PID, false, NOT_PROBED, NOT_PROBED,   AwaitStartup:100",
    "HELD_BY_OTHER_PID,    false, NOT_PROBED, NOT_PROBED,   AwaitStartup:200",
    "FREE,                 false, NOT_PROBED, NOT_PROBED,   StartFresh:DELETE_STALE",
    "UNKNOWN,              false, NOT_PROBED, NOT_PROBED,   StartFresh:DELETE_STALE",
    // alive, but /api/health does not answer
    "HELD_BY_MANIFEST_PID, true,  FAILED,     NOT_PROBED,   Hung",
    "HELD_BY_OTHER_PID,    true,  FAILED,     NOT_PROBED,   AwaitStartup:200",
    "FREE,                 true,  FAILED,     NOT_PROBED,   StartFresh:DELETE_STALE",
    "UNKNOWN,              true,  FAILED,     NOT_PROBED,   Hung",
    // healthy, and /api/daemon names the manifest's instance
    "HELD_BY_MANIFEST_PID, true,  OK,         MATCH,        Use",
    "HELD_BY_OTHER_PID,    true,  OK,         MATCH,        Use",
    "FREE,                 true,  OK,         MATCH,        Use",
    "UNKNOWN,              true,  OK,         MATCH,        Use",
    // healthy, but our token is rejected
    "HELD_BY_MANIFEST_PID, true,  OK,         UNAUTHORIZED, Unauthorized",
    "HELD_BY_OTHER_PID,    true,  OK,         UNAUTHORIZED, Unauthorized",
    "FREE,                 true,  OK,         UNAUTHORIZED, Unauthorized",
    "UNKNOWN,              true,  OK,         UNAUTHORIZED, Unauthorized",
    // healthy, but another instance answers
    "HELD_BY_MANIFEST_PID, true,  OK,         MISMATCH,     Impostor",
    "HELD_BY_OTHER_PID,    true,  OK,         MISMATCH,     Impostor",
    "FREE,                 true,  OK,         MISMATCH,     StartFresh:DELETE_STALE",
    "UNKNOWN,              true,  OK,         MISMATCH,     Impostor",
    // healthy, but /api/daemon fails
    "HELD_BY_MANIFEST_PID, true,  OK,         FAILED,       Impostor",
    "HELD_BY_OTHER_PID,    true,  OK,         FAILED,       Impostor",
    "FREE,                 true,  OK,         FAILED,       StartFresh:DELETE_STALE",
    "UNKNOWN,              true,  OK,         FAILED,       Impostor",
    // healthy, identity not checked
    "HELD_BY_MANIFEST_PID, true,  OK,         NOT_PROBED,   Impostor",
    "HELD_BY_OTHER_PID,    true,  OK,         NOT_PROBED,   Impostor",
    "FREE,                 true,  OK,         NOT_PROBED,   StartFresh:DELETE_STALE",
    "UNKNOWN,              true,  OK,         NOT_PROBED,   Impostor",
  })
  void with_a_valid_manifest(
      Lock lock, boolean alive, Probe health, Identity identity, String expected) {
    GuardianSnapshot snapshot =
        new GuardianSnapshot(Manifest.VALID.read, lock.state, alive, health, identity);

    GuardianDecision decision = GuardianDecision.decide(snapshot);

    assertThat(describe(decision)).isEqualTo(expected);
  }

  // --- every other combination follows from the table

  static Stream<Arguments> everyCombination() {
    return Stream.of(Manifest.values())
        .flatMap(
            manifest ->
                Stream.of(Lock.values())
                    .flatMap(
                        lock ->
                            Stream.of(true, false)
                                .flatMap(
                                    alive ->
                                        Stream.of(Probe.values())
                                            .flatMap(
                                                health ->
                                                    Stream.of(Identity.values())
                                                        .map(
                                                            identity ->
                                                                Arguments.of(
                                                                    manifest, lock, alive, health,
                                                                    identity))))));
  }

  @Test
  void the_combinations_cover_every_manifest_lock_liveness_health_and_identity() {
    long combinations = everyCombination().count();

    assertThat(combinations).isEqualTo(3 * 4 * 2 * 3 * 5);
  }

  @ParameterizedTest(name = "{0} manifest, lock {1}, alive={2}, health={3}, identity={4}")
  @MethodSource("everyCombination")
  void every_combination_is_decided_as_its_row_of_the_table(
      Manifest manifest, Lock lock, boolean alive, Probe health, Identity identity) {
    GuardianSnapshot snapshot =
        new GuardianSnapshot(manifest.read, lock.state, alive, health, identity);
    // why: what the connector never gathers (probes of a dead process, identity without health)
    // must be decided like the row it reduces to.
    GuardianSnapshot row = tableRowFor(snapshot);

    GuardianDecision decision = GuardianDecision.decide(snapshot);

    assertThat(decision).isEqualTo(GuardianDecision.decide(row));
  }

  // --- invariants over any snapshot

  @Test
  void never_starts_a_daemon_while_a_live_process_holds_the_lock() {
    forAll(
        1_000,
        SNAPSHOTS,
        snapshot -> {
          GuardianDecision decision = GuardianDecision.decide(snapshot);

          if (snapshot.lock() instanceof LockProbe.LockState.Held) {
            assertThat(decision).isNotInstanceOf(GuardianDecision.StartFresh.class);
          }
        });
  }

  @Test
  void never_uses_a_daemon_whose_identity_was_not_confirmed() {
    forAll(
        1_000,
        SNAPSHOTS,
        snapshot -> {
          GuardianDecision decision = GuardianDecision.decide(snapshot);

          if (decision instanceof GuardianDecision.Use use) {
            assertThat(snapshot.identity()).isEqualTo(Identity.MATCH);
            assertThat(snapshot.health()).isEqualTo(Probe.OK);
            assertThat(snapshot.processAlive()).isTrue();
            assertThat(snapshot.manifest()).isEqualTo(new ManifestFile.Read.Valid(use.manifest()));
          }
        });
  }

  @Test
  void waits_only_for_the_process_that_holds_the_lock() {
    forAll(
        1_000,
        SNAPSHOTS,
        snapshot -> {
          GuardianDecision decision = GuardianDecision.decide(snapshot);

          if (decision instanceof GuardianDecision.AwaitStartup await) {
            assertThat(snapshot.lock()).isEqualTo(new LockProbe.LockState.Held(await.pid()));
          }
        });
  }

  @Test
  void a_fresh_start_cleans_up_exactly_what_was_read() {
    forAll(
        1_000,
        SNAPSHOTS,
        snapshot -> {
          GuardianDecision decision = GuardianDecision.decide(snapshot);

          if (decision instanceof GuardianDecision.StartFresh fresh) {
            GuardianDecision.Cleanup expected =
                switch (snapshot.manifest()) {
                  case ManifestFile.Read.Missing missing -> GuardianDecision.Cleanup.NONE;
                  case ManifestFile.Read.Corrupt corrupt ->
                      GuardianDecision.Cleanup.MOVE_CORRUPT_ASIDE;
                  case ManifestFile.Read.Valid valid -> GuardianDecision.Cleanup.DELETE_STALE;
                };
            assertThat(fresh.cleanup()).isEqualTo(expected);
            assertThat(fresh.note().isEmpty()).isEqualTo(expected == GuardianDecision.Cleanup.NONE);
          }
        });
  }

  @Test
  void a_decision_about_a_daemon_names_the_manifest_it_read() {
    forAll(
        1_000,
        SNAPSHOTS,
        snapshot -> {
          GuardianDecision decision = GuardianDecision.decide(snapshot);

          Optional<DaemonManifest> named =
              switch (decision) {
                case GuardianDecision.Use use -> Optional.of(use.manifest());
                case GuardianDecision.Hung hung -> Optional.of(hung.manifest());
                case GuardianDecision.Unauthorized unauthorized ->
                    Optional.of(unauthorized.manifest());
                case GuardianDecision.Impostor impostor -> Optional.of(impostor.manifest());
                case GuardianDecision.StartFresh fresh -> Optional.empty();
                case GuardianDecision.AwaitStartup await -> Optional.empty();
              };
          named.ifPresent(
              manifest ->
                  assertThat(snapshot.manifest()).isEqualTo(new ManifestFile.Read.Valid(manifest)));
        });
  }

  @Test
  void deciding_is_deterministic() {
    forAll(
        500,
        SNAPSHOTS,
        snapshot -> {
          assertThat(GuardianDecision.decide(snapshot))
              .isEqualTo(GuardianDecision.decide(snapshot));
        });
  }

  // --- notes for the user

  @Test
  void a_first_start_says_nothing_and_a_recovery_says_what_was_wrong() {
    GuardianDecision first =
        GuardianDecision.decide(
            new GuardianSnapshot(
                Manifest.MISSING.read,
                Lock.FREE.state,
                false,
                Probe.NOT_PROBED,
                Identity.NOT_PROBED));
    GuardianDecision corrupt =
        GuardianDecision.decide(
            new GuardianSnapshot(
                new ManifestFile.Read.Corrupt("truncated"),
                Lock.FREE.state,
                false,
                Probe.NOT_PROBED,
                Identity.NOT_PROBED));
    GuardianDecision stale =
        GuardianDecision.decide(
            new GuardianSnapshot(
                Manifest.VALID.read,
                Lock.FREE.state,
                false,
                Probe.NOT_PROBED,
                Identity.NOT_PROBED));

    assertThat(first).isEqualTo(new GuardianDecision.StartFresh(GuardianDecision.Cleanup.NONE, ""));
    assertThat(((GuardianDecision.StartFresh) corrupt).note())
        .contains("corrupt")
        .contains("truncated");
    assertThat(((GuardianDecision.StartFresh) stale).note()).contains("pid 100").contains("gone");
  }

  private static Generator<GuardianSnapshot> snapshots() {
    Generator<Long> pids = longs(1, 400);
    Generator<DaemonManifest> manifests =
        combine(
            pids,
            Generator.of("a", "b"),
            (pid, id) -> aManifest().withPid(pid).withInstanceId(id).build());
    Generator<ManifestFile.Read> reads =
        oneOf(
            Generator.of(new ManifestFile.Read.Missing()),
            Generator.of("empty file", "not a valid manifest").map(ManifestFile.Read.Corrupt::new),
            manifests.map(ManifestFile.Read.Valid::new));
    Generator<LockProbe.LockState> locks =
        oneOf(
            pids.map(LockProbe.LockState.Held::new),
            Generator.of(new LockProbe.LockState.Free(), new LockProbe.LockState.Unknown()));
    Generator<Probe> healths = Generator.of(Probe.values());
    Generator<Identity> identities = Generator.of(Identity.values());
    return random ->
        new GuardianSnapshot(
            reads.next(random),
            locks.next(random),
            random.nextBoolean(),
            healths.next(random),
            identities.next(random));
  }

  /** The snapshot the connector would have gathered: no probes without a live process, etc. */
  private static GuardianSnapshot tableRowFor(GuardianSnapshot snapshot) {
    boolean valid = snapshot.manifest() instanceof ManifestFile.Read.Valid;
    boolean alive = valid && snapshot.processAlive();
    Probe health =
        !alive ? Probe.NOT_PROBED : snapshot.health() == Probe.OK ? Probe.OK : Probe.FAILED;
    Identity identity = health == Probe.OK ? snapshot.identity() : Identity.NOT_PROBED;
    return new GuardianSnapshot(snapshot.manifest(), snapshot.lock(), alive, health, identity);
  }

  private static String describe(GuardianDecision decision) {
    return switch (decision) {
      case GuardianDecision.Use use -> "Use";
      case GuardianDecision.Hung hung -> "Hung";
      case GuardianDecision.Unauthorized unauthorized -> "Unauthorized";
      case GuardianDecision.Impostor impostor -> "Impostor";
      case GuardianDecision.AwaitStartup await -> "AwaitStartup:" + await.pid();
      case GuardianDecision.StartFresh fresh -> "StartFresh:" + fresh.cleanup();
    };
  }
}
