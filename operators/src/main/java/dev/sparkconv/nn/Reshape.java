package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * A new per-sample shape for the same C-order data (PyTorch's reshape without the batch axis): at
 * most one entry is -1, inferred from the element count; the others are positive. Op "reshape".
 */
public final class Reshape extends BaseLayer {
  private final int[] shape;

  public Reshape(String name, int[] shape) {
    super("reshape", name);
    if (shape == null || shape.length == 0) {
      throw badParameter("shape", "must have at least one entry", shape == null ? "null" : "()");
    }
    int inferred = 0;
    for (int d : shape) {
      if (d == -1) {
        inferred++;
      } else if (d < 1) {
        throw badParameter("shape", "must have positive entries or one -1", Shapes.format(shape));
      }
    }
    if (inferred > 1) {
      throw badParameter("shape", "may have only one -1", Shapes.format(shape));
    }
    this.shape = shape.clone();
  }

  @Override
  public String op() {
    return "reshape";
  }

  @Override
  public boolean isView() {
    return true;
  }

  public int[] shape() {
    return shape.clone();
  }

  @Override
  public int[] outputShape(int[] in) {
    long size = Shapes.size(in);
    long known = 1;
    int inferred = -1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1) {
        inferred = i;
      } else {
        known *= shape[i];
      }
    }
    int[] out = shape.clone();
    if (inferred >= 0) {
      if (known == 0 || size % known != 0 || size == 0) {
        throw new ShapeException(this, "a multiple of " + known + " elements to reshape to " + Shapes.format(shape),
            in);
      }
      out[inferred] = (int) (size / known);
    } else if (known != size) {
      throw new ShapeException(this, known + " elements to reshape to " + Shapes.format(shape), in);
    }
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    if (in != out) {
      System.arraycopy(in, 0, out, 0, batch * Shapes.size(inShape));
    }
  }
}
