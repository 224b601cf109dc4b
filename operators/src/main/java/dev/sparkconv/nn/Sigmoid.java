package dev.sparkconv.nn;

/** 1 / (1 + exp(-x)), in double so neither tail overflows; op "sigmoid". */
public final class Sigmoid extends Elementwise {
  public Sigmoid(String name) {
    super("sigmoid", name);
  }

  @Override
  public String op() {
    return "sigmoid";
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    for (int i = 0, n = count(batch, inShape); i < n; i++) {
      out[i] = (float) (1 / (1 + Math.exp(-in[i])));
    }
  }
}
