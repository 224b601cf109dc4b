package dev.sparkconv.nn;

/**
 * GELU (PyTorch nn.GELU): exact x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) with {@link Erf}, or with
 * {@code tanhApproximation} 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), PyTorch's
 * approximate="tanh"; op "gelu".
 */
public final class Gelu extends Elementwise {
  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);
  private final boolean tanhApproximation;

  public Gelu(String name, boolean tanhApproximation) {
    super("gelu", name);
    this.tanhApproximation = tanhApproximation;
  }

  @Override
  public String op() {
    return "gelu";
  }

  public boolean tanhApproximation() {
    return tanhApproximation;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int n = count(batch, inShape);
    if (tanhApproximation) {
      for (int i = 0; i < n; i++) {
        double v = in[i];
        out[i] = (float) (0.5 * v * (1 + Math.tanh(SQRT_TWO_OVER_PI * (v + 0.044715 * v * v * v))));
      }
    } else {
      for (int i = 0; i < n; i++) {
        double v = in[i];
        out[i] = (float) (0.5 * v * (1 + Erf.erf(v * SQRT_HALF)));
      }
    }
  }
}
