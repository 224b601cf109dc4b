package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/** (d1, d2, ...) to (d1*d2*...) per sample, like PyTorch nn.Flatten(start_dim=1); C order needs no reordering. */
public final class Flatten extends BaseLayer {
  public Flatten(String name) {
    super("flatten", name);
  }

  @Override
  public String op() {
    return "flatten";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length < 1) {
      throw new ShapeException(this, "at least one dimension", in);
    }
    return new int[] {Shapes.size(in)};
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    if (in != out) {
      System.arraycopy(in, 0, out, 0, batch * Shapes.size(inShape));
    }
  }
}
