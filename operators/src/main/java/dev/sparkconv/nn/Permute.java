package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Reorders the sample axes: output axis j is input axis axes[j] (axes count within the sample,
 * negative from the end; the batch stays first), so PyTorch's x.permute(0, 2, 3, 1) is
 * axes (1, 2, 0) here, and a transpose is a permutation that swaps two axes. Op "permute".
 */
public final class Permute extends BaseLayer {
  private final int[] axes;

  public Permute(String name, int[] axes) {
    super("permute", name);
    if (axes == null || axes.length == 0) {
      throw badParameter("axes", "must be a permutation of the sample axes", axes == null ? "null" : "()");
    }
    int[] normalized = new int[axes.length];
    boolean[] seen = new boolean[axes.length];
    for (int j = 0; j < axes.length; j++) {
      int a = Axes.normalize(axes[j], axes.length);
      if (a < 0 || seen[a]) {
        throw badParameter("axes", "must be a permutation of 0.." + (axes.length - 1), Shapes.format(axes));
      }
      seen[a] = true;
      normalized[j] = a;
    }
    this.axes = normalized;
  }

  @Override
  public String op() {
    return "permute";
  }

  /** The permutation with negative axes resolved. */
  public int[] axes() {
    return axes.clone();
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length != axes.length) {
      throw new ShapeException(this, "a sample of rank " + axes.length, in);
    }
    int[] out = new int[in.length];
    for (int j = 0; j < axes.length; j++) {
      out[j] = in[axes[j]];
    }
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int size = Shapes.size(inShape);
    // Trailing axes the permutation leaves in place move as contiguous blocks: a channel shuffle's
    // (g, C/g, H, W) -> (C/g, g, H, W) copies whole H x W planes.
    int kept = axes.length;
    while (kept > 0 && axes[kept - 1] == kept - 1) {
      kept--;
    }
    int block = Axes.product(inShape, kept, inShape.length);
    for (int n = 0; n < batch; n++) {
      copy(in, n * size, out, n * size, inShape, 0, kept, block);
    }
  }

  /**
   * Writes output axes j.. (up to {@code kept}, past which blocks of {@code block} floats move whole) of the input
   * block at {@code src} from {@code dst} on; returns the next dst.
   */
  private int copy(float[] in, int src, float[] out, int dst, int[] inShape, int j, int kept, int block) {
    if (j == kept) {
      System.arraycopy(in, src, out, dst, block);
      return dst + block;
    }
    int a = axes[j];
    int n = inShape[a];
    int stride = Axes.product(inShape, a + 1, inShape.length);
    if (j == kept - 1 && block == 1) {
      for (int k = 0, i = src; k < n; k++, i += stride) {
        out[dst++] = in[i];
      }
      return dst;
    }
    for (int k = 0; k < n; k++) {
      dst = copy(in, src + k * stride, out, dst, inShape, j + 1, kept, block);
    }
    return dst;
  }
}
