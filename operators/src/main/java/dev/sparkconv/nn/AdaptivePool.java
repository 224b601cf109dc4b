package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Adaptive average or max pooling to a fixed output size over 1, 2 or 3 spatial axes, PyTorch's
 * AdaptiveAvgPool/AdaptiveMaxPool{1,2,3}d: output i of an axis of input size n and output size m
 * pools [floor(i * n / m), ceil((i + 1) * n / m)), so windows vary in size and may overlap when m
 * does not divide n, and repeat inputs when m > n. Ops "adaptive_avgpool" and "adaptive_maxpool".
 */
public final class AdaptivePool extends BaseLayer {
  private final boolean max;
  private final int[] outputSize;

  public AdaptivePool(String name, boolean max, int[] outputSize) {
    super(max ? "adaptive_maxpool" : "adaptive_avgpool", name);
    this.max = max; // first: op() names the layer in the checks below
    this.outputSize = Params.tuple(this, "outputSize", outputSize, Params.spatialRank(this, "outputSize",
        outputSize), 1);
  }

  @Override
  public String op() {
    return max ? "adaptive_maxpool" : "adaptive_avgpool";
  }

  public boolean isMax() {
    return max;
  }

  public int[] outputSize() {
    return outputSize.clone();
  }

  @Override
  public int[] outputShape(int[] in) {
    int rank = outputSize.length;
    if (in.length != rank + 1 || Shapes.size(in) == 0) {
      int[] min = new int[rank];
      java.util.Arrays.fill(min, 1);
      throw new ShapeException(this, Params.spatialShape("C", min), in);
    }
    int[] out = new int[rank + 1];
    out[0] = in[0];
    System.arraycopy(outputSize, 0, out, 1, rank);
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rank = outputSize.length;
    int d = rank == 3 ? inShape[1] : 1;
    int h = rank >= 2 ? inShape[rank - 1] : 1;
    int w = inShape[rank];
    int od = rank == 3 ? outputSize[0] : 1;
    int oh = rank >= 2 ? outputSize[rank - 2] : 1;
    int ow = outputSize[rank - 1];
    int planes = batch * inShape[0];
    for (int p = 0; p < planes; p++) {
      pool(max, in, p * d * h * w, d, h, w, out, p * od * oh * ow, od, oh, ow);
    }
  }

  /** PyTorch's start_index: floor(i * in / out). */
  static int start(int i, int in, int out) {
    return (int) ((long) i * in / out);
  }

  /** PyTorch's end_index: ceil((i + 1) * in / out). */
  static int end(int i, int in, int out) {
    return (int) (((long) (i + 1) * in + out - 1) / out);
  }

  /** Pools one d x h x w plane at {@code src} to od x oh x ow values written from {@code dst}. */
  static void pool(boolean max, float[] in, int src, int d, int h, int w, float[] out, int dst, int od, int oh,
      int ow) {
    for (int z = 0; z < od; z++) {
      int z0 = start(z, d, od);
      int z1 = end(z, d, od);
      for (int y = 0; y < oh; y++) {
        int y0 = start(y, h, oh);
        int y1 = end(y, h, oh);
        for (int x = 0; x < ow; x++) {
          int x0 = start(x, w, ow);
          int x1 = end(x, w, ow);
          out[dst++] = max ? windowMax(in, src, h, w, z0, z1, y0, y1, x0, x1)
              : windowMean(in, src, h, w, z0, z1, y0, y1, x0, x1);
        }
      }
    }
  }

  private static float windowMax(float[] in, int src, int h, int w, int z0, int z1, int y0, int y1, int x0, int x1) {
    float m = Float.NEGATIVE_INFINITY;
    for (int z = z0; z < z1; z++) {
      for (int y = y0; y < y1; y++) {
        for (int i = src + (z * h + y) * w + x0, end = i + x1 - x0; i < end; i++) {
          m = Math.max(m, in[i]); // NaN wins; branch-free
        }
      }
    }
    return m;
  }

  private static float windowMean(float[] in, int src, int h, int w, int z0, int z1, int y0, int y1, int x0,
      int x1) {
    float sum = 0;
    for (int z = z0; z < z1; z++) {
      for (int y = y0; y < y1; y++) {
        for (int i = src + (z * h + y) * w + x0, end = i + x1 - x0; i < end; i++) {
          sum += in[i];
        }
      }
    }
    return sum / ((z1 - z0) * (y1 - y0) * (x1 - x0));
  }
}
