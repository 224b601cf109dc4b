package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Constructor checks of the N-d and elementwise operators; every error names the operator, the
 * layer and the parameter through {@link BaseLayer#badParameter}.
 */
final class Params {
  private Params() {}

  /** A defensive copy of a tuple of {@code rank} entries (one per spatial axis), all at least {@code min}. */
  static int[] tuple(BaseLayer layer, String parameter, int[] value, int rank, int min) {
    if (value == null || value.length != rank) {
      throw layer.badParameter(parameter, "must have " + rank + (rank == 1 ? " entry" : " entries")
          + " (one per spatial axis)", value == null ? "null" : Shapes.format(value));
    }
    for (int v : value) {
      if (v < min) {
        throw layer.badParameter(parameter, "must have entries >= " + min, Shapes.format(value));
      }
    }
    return value.clone();
  }

  /** The spatial rank of a window operator: its kernel has one entry per spatial axis, 1 to 3 of them. */
  static int spatialRank(BaseLayer layer, String parameter, int[] value) {
    if (value == null || value.length < 1 || value.length > 3) {
      throw layer.badParameter(parameter, "must have 1, 2 or 3 entries (one per spatial axis)",
          value == null ? "null" : Shapes.format(value));
    }
    return value.length;
  }

  static float finite(BaseLayer layer, String parameter, float value) {
    if (!Float.isFinite(value)) {
      throw layer.badParameter(parameter, "must be finite", Float.toString(value));
    }
    return value;
  }

  /** A float array of exactly {@code count} values, copied. */
  static float[] values(BaseLayer layer, String parameter, float[] value, int count, String what) {
    if (value == null || value.length != count) {
      throw layer.badParameter(parameter, "must hold " + what + " = " + count + " values",
          value == null ? "null" : value.length + " values");
    }
    return value.clone();
  }

  /** "(C, H>=3, W>=3)": the expected-input text of a shape error, one named minimum per spatial axis. */
  static String spatialShape(String lead, int[] minimum) {
    String[] names = minimum.length == 1 ? new String[] {"L"}
        : minimum.length == 2 ? new String[] {"H", "W"} : new String[] {"D", "H", "W"};
    StringBuilder s = new StringBuilder("(").append(lead);
    for (int i = 0; i < minimum.length; i++) {
      s.append(", ").append(names.length == minimum.length ? names[i] : "d" + i).append(">=").append(minimum[i]);
    }
    return s.append(')').toString();
  }
}
