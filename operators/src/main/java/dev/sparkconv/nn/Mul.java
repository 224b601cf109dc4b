package dev.sparkconv.nn;

/**
 * The elementwise product of two or more inputs, broadcasting size-1 axes: a (C, 1, 1) gate times
 * (C, H, W) features is squeeze-and-excitation.
 */
public final class Mul extends ElementwiseJoin {
  public Mul(String name) {
    super("mul", name, Integer.MAX_VALUE);
  }

  @Override
  public String op() {
    return "mul";
  }

  @Override
  void combine(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    if (as == 1 && bs == 1) {
      for (int i = 0; i < len; i++) {
        out[oo + i] = a[ao + i] * b[bo + i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[oo + i] = a[ao + i * as] * b[bo + i * bs];
      }
    }
  }
}
