package dev.sparkconv.nn;

/** The difference in0 - in1 of exactly two inputs, broadcasting size-1 axes. */
public final class Sub extends ElementwiseJoin {
  public Sub(String name) {
    super("sub", name, 2);
  }

  @Override
  public String op() {
    return "sub";
  }

  @Override
  void combine(float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo, int len) {
    if (as == 1 && bs == 1) {
      for (int i = 0; i < len; i++) {
        out[oo + i] = a[ao + i] - b[bo + i];
      }
    } else {
      for (int i = 0; i < len; i++) {
        out[oo + i] = a[ao + i * as] - b[bo + i * bs];
      }
    }
  }
}
