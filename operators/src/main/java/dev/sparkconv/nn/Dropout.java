package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/** Dropout at inference: the identity (PyTorch's eval mode); p is kept only to describe the model. Op "dropout". */
public final class Dropout extends BaseLayer {
  private final float p;

  public Dropout(String name, float p) {
    super("dropout", name);
    if (!(p >= 0 && p <= 1)) {
      throw badParameter("p", "must be in [0, 1]", Float.toString(p));
    }
    this.p = p;
  }

  @Override
  public String op() {
    return "dropout";
  }

  @Override
  public boolean isView() {
    return true;
  }

  public float p() {
    return p;
  }

  @Override
  public int[] outputShape(int[] in) {
    return in.clone();
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    if (in != out) {
      System.arraycopy(in, 0, out, 0, batch * Shapes.size(inShape));
    }
  }
}
