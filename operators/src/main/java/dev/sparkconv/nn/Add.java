package dev.sparkconv.nn;

import dev.sparkconv.kernel.Axpy;
import dev.sparkconv.kernel.Kernels;

/** The sum of two or more inputs (a residual connection), broadcasting size-1 axes. */
public final class Add extends ElementwiseJoin {
  private static final Axpy ROWS = Kernels.axpy();

  public Add(String name) {
    super("add", name, Integer.MAX_VALUE);
  }

  @Override
  public String op() {
    return "add";
  }

  @Override
  void combine(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    if (as == 1 && bs == 1) {
      ROWS.add(len, a, ao, b, bo, out, oo);
    } else {
      for (int i = 0; i < len; i++) {
        out[oo + i] = a[ao + i * as] + b[bo + i * bs];
      }
    }
  }
}
