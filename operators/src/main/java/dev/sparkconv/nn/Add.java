package dev.sparkconv.nn;

/** The sum of two or more inputs (a residual connection), broadcasting size-1 axes. */
public final class Add extends ElementwiseJoin {
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
      for (int i = 0; i < len; i++) {
        out[oo + i] = a[ao + i] + b[bo + i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[oo + i] = a[ao + i * as] + b[bo + i * bs];
      }
    }
  }
}
