package dev.sparkconv.nn;

/**
 * min(max(x, lo), hi) elementwise, PyTorch's clamp / hardtanh; NaN stays NaN. {@link #relu6} is
 * clip(0, 6) under the op name "relu6"; either bound may be infinite (one-sided clip).
 */
public final class Clip extends Elementwise {
  private final String op;
  private final float min;
  private final float max;

  public Clip(String name, float min, float max) {
    this("clip", name, min, max);
  }

  private Clip(String op, String name, float min, float max) {
    super(op, name);
    this.op = op;
    if (Float.isNaN(min) || min == Float.POSITIVE_INFINITY) {
      throw badParameter("min", "must be a number below +infinity", Float.toString(min));
    }
    if (Float.isNaN(max) || max == Float.NEGATIVE_INFINITY || max < min) {
      throw badParameter("max", "must be a number >= min " + min, Float.toString(max));
    }
    this.min = min;
    this.max = max;
  }

  /** PyTorch nn.ReLU6: min(max(x, 0), 6). */
  public static Clip relu6(String name) {
    return new Clip("relu6", name, 0f, 6f);
  }

  @Override
  public String op() {
    return op;
  }

  public float min() {
    return min;
  }

  public float max() {
    return max;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      out[i] = Math.min(Math.max(in[i], min), max); // branch-free, like Relu
    }
  }
}
