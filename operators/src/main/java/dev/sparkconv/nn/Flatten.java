package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Merges the sample axes startAxis..endAxis into one (PyTorch nn.Flatten, whose start_dim=1 is
 * startAxis 0 here: axes count within the sample, negative from the end). The default merges
 * everything, (d1, d2, ...) to (d1*d2*...). C order needs no reordering: the data is copied as is.
 */
public final class Flatten extends BaseLayer {
  private final int startAxis;
  private final int endAxis;

  /** Flattens the whole sample. */
  public Flatten(String name) {
    this(name, 0, -1);
  }

  public Flatten(String name, int startAxis, int endAxis) {
    super("flatten", name);
    if (startAxis >= 0 && endAxis >= 0 && endAxis < startAxis
        || startAxis < 0 && endAxis < 0 && endAxis < startAxis) {
      throw badParameter("endAxis", "must not come before startAxis " + startAxis, Integer.toString(endAxis));
    }
    this.startAxis = startAxis;
    this.endAxis = endAxis;
  }

  @Override
  public String op() {
    return "flatten";
  }

  @Override
  public boolean isView() {
    return true;
  }

  public int startAxis() {
    return startAxis;
  }

  public int endAxis() {
    return endAxis;
  }

  @Override
  public int[] outputShape(int[] in) {
    int start = Axes.normalize(startAxis, in.length);
    int end = Axes.normalize(endAxis, in.length);
    if (start < 0 || end < start) {
      throw new ShapeException(this, "a sample with axes " + startAxis + " to " + endAxis + " in order", in);
    }
    int[] out = new int[in.length - (end - start)];
    System.arraycopy(in, 0, out, 0, start);
    out[start] = Axes.product(in, start, end + 1);
    System.arraycopy(in, end + 1, out, start + 1, in.length - end - 1);
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    if (in != out) {
      System.arraycopy(in, 0, out, 0, batch * Shapes.size(inShape));
    }
  }
}
