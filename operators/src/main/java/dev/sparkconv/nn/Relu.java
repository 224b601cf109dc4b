package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/** max(x, 0) elementwise; NaN stays NaN as in PyTorch. */
public final class Relu extends BaseLayer {
  public Relu(String name) {
    super("relu", name);
  }

  @Override
  public String op() {
    return "relu";
  }

  @Override
  public int[] outputShape(int[] in) {
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int size = batch * Shapes.size(inShape);
    for (int i = 0; i < size; i++) {
      out[i] = Math.max(in[i], 0f); // branch-free (C2 intrinsic, vectorized); a ternary mispredicts on signs
    }
  }
}
