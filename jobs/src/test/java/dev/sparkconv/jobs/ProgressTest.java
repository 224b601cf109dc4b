package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void lineGivesShareRateAndEta() {
    assertEquals("infer: 250 / 1000 rows (25%), 50.0 rows/s, ETA 15 s", Progress.line("infer", 250, 1000, 5));
    assertEquals("infer: 0 / 10 rows (0%), 0.0 rows/s, ETA -", Progress.line("infer", 0, 10, 0));
    assertEquals("infer: 10 / 10 rows (100%), 5.0 rows/s, ETA -", Progress.line("infer", 10, 10, 2));
  }
}
