package dev.sparkconv.nn;

/** Axis arithmetic of the shape operators: axes count within the sample (no batch), negative from the end. */
final class Axes {
  private Axes() {}

  /** {@code axis} in [-rank, rank) as a non-negative index, or -1 when out of range. */
  static int normalize(int axis, int rank) {
    int a = axis < 0 ? axis + rank : axis;
    return a >= 0 && a < rank ? a : -1;
  }

  /** Product of {@code shape[from..to)}. */
  static int product(int[] shape, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= shape[i];
    }
    return p;
  }
}
