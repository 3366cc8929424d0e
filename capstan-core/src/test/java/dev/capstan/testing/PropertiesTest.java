package dev.capstan.testing;

import static dev.capstan.testing.Generator.ints;
import static dev.capstan.testing.Properties.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertiesTest {

  @Test
  void a_failing_property_reports_the_seed_the_try_and_the_value() {
    List<Integer> checked = new ArrayList<>();

    Throwable failure =
        catchThrowable(
            () ->
                forAll(
                    42L,
                    1_000,
                    ints(0, 1_000),
                    value -> {
                      checked.add(value);
                      assertThat(value).isLessThan(900);
                    }));

    assertThat(checked.getLast()).isGreaterThanOrEqualTo(900);
    assertThat(failure)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("try " + checked.size() + " of 1000")
        .hasMessageContaining("seed 42 (rerun with -Dcapstan.test.seed=42)")
        .hasMessageContaining("value: " + checked.getLast())
        .cause()
        .hasMessageContaining("to be less than");
  }
}
