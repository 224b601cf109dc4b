package dev.sparkconv.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The named paddings against their definitions: 'same' keeps the size, 'full' keeps every touching window. */
class ConvGeometryTest {

  @ParameterizedTest(name = "{0} k{1} d{2}: pad ({3}, {4})")
  @CsvSource({
      "valid, 3, 1, 0, 0", "valid, 4, 2, 0, 0",
      "same, 3, 1, 1, 1", "same, 5, 1, 2, 2", "same, 4, 1, 1, 2", "same, 2, 1, 0, 1", "same, 1, 1, 0, 0",
      "same, 3, 2, 2, 2", "same, 4, 3, 4, 5", "same, 2, 2, 1, 1",
      "full, 3, 1, 2, 2", "full, 4, 1, 3, 3", "full, 3, 2, 4, 4", "full, 1, 5, 0, 0"})
  void namedPaddingPerAxis(String name, int k, int d, int begin, int end) {
    int[] pad = ConvGeometry.namedPadding(name, new int[] {k, 1}, new int[] {1, 1}, new int[] {d, 1});
    assertArrayEquals(new int[] {begin, 0, end, 0}, pad);
    for (int in = 1; in < 12; in++) {
      int eff = ConvGeometry.effectiveKernel(k, d);
      int out = ConvGeometry.rawOutputSize(in, k, 1, begin, end, d, false);
      switch (name) {
        case "same" -> assertEquals(in, out);
        case "full" -> assertEquals(in + eff - 1, out);
        default -> assertEquals(in - eff + 1, out);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"'same', stride 1", "bogus, must be"})
  void namedPaddingErrorsSayWhy(String name, String mentioned) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConvGeometry.namedPadding(name, new int[] {3, 3}, new int[] {2, 1}, new int[] {1, 1}));
    assertTrue(e.getMessage().contains(mentioned), e.getMessage());
  }
}
