package dev.sparkconv.nn;

/** x for x > 0, else alpha * (exp(x) - 1) (PyTorch nn.ELU, default alpha 1); op "elu". */
public final class Elu extends Elementwise {
  private final float alpha;

  public Elu(String name, float alpha) {
    super("elu", name);
    this.alpha = Params.finite(this, "alpha", alpha);
  }

  @Override
  public String op() {
    return "elu";
  }

  public float alpha() {
    return alpha;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      float v = in[i];
      out[i] = v > 0 ? v : (float) (alpha * Math.expm1(v));
    }
  }
}
