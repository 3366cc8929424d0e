package dev.capstan.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The coalescer turns appended text into chunks whose concatenation is exactly that text. Linger
 * flushes are driven by calling {@link OutputCoalescer#flush} directly with a linger far in the
 * future, so no test waits.
 */
class OutputCoalescerTest {
  private static final Duration NEVER = Duration.ofDays(1);
  private static final StreamName STREAM = StreamName.task(1);

  private final List<OutputCoalescer.Chunk> chunks = new ArrayList<>();

  @Test
  void a_full_chunk_is_cut_after_its_last_newline() {
    OutputCoalescer coalescer = new OutputCoalescer(10, NEVER, chunks::add);

    coalescer.append(STREAM, "abc\ndef\nghij");

    assertThat(texts()).containsExactly("abc\ndef\n");
    coalescer.flush(true);
    assertThat(texts()).containsExactly("abc\ndef\n", "ghij");
  }

  @Test
  void a_full_chunk_without_a_newline_is_cut_at_the_chunk_size() {
    OutputCoalescer coalescer = new OutputCoalescer(4, NEVER, chunks::add);

    coalescer.append(STREAM, "abcdefghij");

    assertThat(texts()).containsExactly("abcd", "efgh");
  }

  @Test
  void a_cut_never_splits_a_surrogate_pair() {
    OutputCoalescer coalescer = new OutputCoalescer(4, NEVER, chunks::add);

    coalescer.append(STREAM, "abc\ud83d\ude80def");
    coalescer.flush(true);

    assertThat(String.join("", texts())).isEqualTo("abc\ud83d\ude80def");
    assertThat(texts()).allSatisfy(OutputCoalescerTest::assertWellFormed);
  }

  @Test
  void a_linger_flush_keeps_a_trailing_half_character_until_its_other_half_comes() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, Duration.ZERO, chunks::add);
    coalescer.append(STREAM, "ab\ud83d");

    coalescer.flush(false);
    coalescer.flush(false);
    coalescer.append(STREAM, "\ude80c");
    coalescer.flush(false);

    assertThat(texts()).containsExactly("ab", "\ud83d\ude80c");
  }

  @Test
  void a_chunk_size_of_one_keeps_pairs_whole() {
    OutputCoalescer coalescer = new OutputCoalescer(1, NEVER, chunks::add);

    coalescer.append(STREAM, "a\ud83d");
    coalescer.append(STREAM, "\ude80b");

    assertThat(texts()).containsExactly("a", "\ud83d\ude80", "b");
  }

  @Test
  void nothing_is_flushed_before_the_linger_time_unless_asked_for_all() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);
    coalescer.append(STREAM, "partial line");

    int early = coalescer.flush(false);
    int all = coalescer.flush(true);

    assertThat(early).isZero();
    assertThat(all).isEqualTo(1);
    assertThat(texts()).containsExactly("partial line");
  }

  @Test
  void after_the_linger_time_a_flush_sends_what_is_buffered() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, Duration.ZERO, chunks::add);
    coalescer.append(STREAM, "partial");

    int flushed = coalescer.flush(false);

    assertThat(flushed).isEqualTo(1);
    assertThat(texts()).containsExactly("partial");
  }

  @Test
  void a_stream_forgotten_while_idle_takes_new_output() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);
    coalescer.append(STREAM, "one\n");
    coalescer.flush(true);
    coalescer.flush(true);

    coalescer.append(STREAM, "two\n");
    coalescer.flush(true);

    assertThat(texts()).containsExactly("one\n", "two\n");
  }

  @Test
  void empty_text_makes_no_chunk() {
    OutputCoalescer coalescer = new OutputCoalescer(4, NEVER, chunks::add);

    coalescer.append(STREAM, "");
    coalescer.flush(true);

    assertThat(chunks).isEmpty();
  }

  @Test
  void streams_are_coalesced_separately() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);

    coalescer.append(StreamName.task(1), "a1 ");
    coalescer.append(StreamName.task(2), "b1 ");
    coalescer.append(StreamName.task(1), "a2\n");
    coalescer.flush(true);

    assertThat(chunks)
        .extracting(chunk -> chunk.stream().value() + "=" + chunk.text())
        .containsExactlyInAnyOrder("task/1=a1 a2\n", "task/2=b1 ");
  }

  /**
   * Property: for random text (lines, partial lines, emoji, accents) appended in random pieces with
   * random flushes, the chunks concatenate to exactly the text, none is longer than the chunk size,
   * and each is well-formed UTF-16.
   */
  @Test
  void chunks_always_concatenate_to_exactly_the_text_appended() {
    Random random = new Random(20301);
    String[] alphabet = {"a", "b", " ", "\n", "\u00e9", "\ud83d\ude80", "\u4e2d", "\t", "\"", "\\"};
    for (int round = 0; round < 300; round++) {
      chunks.clear();
      int chunkSize = random.nextInt(2, 64);
      OutputCoalescer coalescer = new OutputCoalescer(chunkSize, NEVER, chunks::add);
      StringBuilder appended = new StringBuilder();

      for (int piece = random.nextInt(1, 60); piece > 0; piece--) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(0, 3 * chunkSize); i > 0; i--) {
          text.append(alphabet[random.nextInt(alphabet.length)]);
        }
        appended.append(text);
        coalescer.append(STREAM, text.toString());
        if (random.nextInt(5) == 0) {
          coalescer.flush(true);
        }
      }
      coalescer.flush(true);

      assertThat(String.join("", texts())).as("round %d", round).isEqualTo(appended.toString());
      for (String chunk : texts()) {
        assertThat(chunk.length()).as("round %d", round).isBetween(1, chunkSize);
        assertWellFormed(chunk);
      }
    }
  }

  private List<String> texts() {
    return chunks.stream().map(OutputCoalescer.Chunk::text).toList();
  }

  private static void assertWellFormed(String chunk) {
    assertThat(Character.isLowSurrogate(chunk.charAt(0)))
        .as("chunk %s starts with half a character", chunk)
        .isFalse();
    assertThat(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1)))
        .as("chunk %s ends with half a character", chunk)
        .isFalse();
  }

  @Test
  void a_new_tag_flushes_the_text_of_the_previous_one_first() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);
    StreamName session = StreamName.session("s1");

    coalescer.append(session, "t1", "end of one");
    coalescer.append(session, "t2", "start of two");
    coalescer.flush(true);

    assertThat(chunks)
        .extracting(chunk -> chunk.tag() + "=" + chunk.text())
        .containsExactly("t1=end of one", "t2=start of two");
  }

  @Test
  void the_first_text_of_a_turn_goes_out_at_once_and_the_rest_waits_for_the_linger() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);
    StreamName session = StreamName.session("s1");

    coalescer.append(session, "t1", "Hel");
    coalescer.append(session, "t1", "lo, ");
    coalescer.append(session, "t1", "world");
    assertThat(texts()).containsExactly("Hel");

    coalescer.append(session, "t2", "Sec");
    coalescer.append(session, "t2", "ond");
    assertThat(chunks)
        .extracting(chunk -> chunk.tag() + "=" + chunk.text())
        .containsExactly("t1=Hel", "t1=lo, world", "t2=Sec");

    coalescer.flush(true);
    assertThat(texts()).containsExactly("Hel", "lo, world", "Sec", "ond");
  }

  @Test
  void untagged_output_still_waits_for_the_linger() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);

    coalescer.append(STREAM, "first line of a task\n");

    assertThat(chunks).isEmpty();
  }

  @Test
  void the_first_text_of_a_turn_keeps_a_trailing_half_character_until_its_other_half_comes() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);
    StreamName session = StreamName.session("s1");

    coalescer.append(session, "t1", "a\ud83d");
    coalescer.append(session, "t1", "\ude80");
    coalescer.flush(true);

    assertThat(texts()).containsExactly("a", "\ud83d\ude80");
  }

  @Test
  void flushing_one_stream_leaves_the_others_buffered() {
    OutputCoalescer coalescer = new OutputCoalescer(1_000, NEVER, chunks::add);

    coalescer.append(StreamName.session("s1"), "t1", "answer");
    coalescer.append(StreamName.task(1), "line");
    coalescer.flush(StreamName.session("s1"));

    assertThat(chunks)
        .extracting(chunk -> chunk.stream().value() + "=" + chunk.text())
        .containsExactly("session/s1=answer");
  }
}
