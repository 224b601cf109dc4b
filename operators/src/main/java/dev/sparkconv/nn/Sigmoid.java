package dev.sparkconv.nn;

/** 1 / (1 + exp(-x)) by {@link dev.sparkconv.kernel.Axpy#sigmoid} (vector or scalar); op "sigmoid". */
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
    dev.sparkconv.kernel.Kernels.axpy().sigmoid(count(batch, inShape), in, 0, out, 0);
  }
}
