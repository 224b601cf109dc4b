package dev.sparkconv.nn;

/** x for x > 0, else slope * x (PyTorch nn.LeakyReLU, default slope 0.01); op "leaky_relu". */
public final class LeakyRelu extends Elementwise {
  private final float slope;

  public LeakyRelu(String name, float slope) {
    super("leaky_relu", name);
    this.slope = Params.finite(this, "slope", slope);
  }

  @Override
  public String op() {
    return "leaky_relu";
  }

  public float slope() {
    return slope;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      float v = in[i];
      out[i] = Math.max(v, 0f) + slope * Math.min(v, 0f); // branch-free, like Relu
    }
  }
}
