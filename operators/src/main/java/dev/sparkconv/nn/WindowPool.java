package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Window geometry of the fixed-window pools over 1, 2 or 3 spatial axes, inputs (C, L), (C, H, W)
 * or (C, D, H, W), with PyTorch's rules: symmetric padding of at most half the kernel, dilation,
 * floor or ceil mode (a ceil-mode window must start inside the input or the left padding).
 * Internally every rank runs as 3-D: missing leading axes have size 1, kernel 1, stride 1, no padding.
 */
abstract class WindowPool extends BaseLayer implements Windowed {
  private final String op;
  /** One entry per spatial axis, as given. */
  final int[] kernel;
  final int[] stride;
  final int[] padding;
  final int[] dilation;
  final boolean ceilMode;
  /** The same four, left-filled to three axes (d, h, w). */
  final int[] k3;
  final int[] s3;
  final int[] p3;
  final int[] d3;

  WindowPool(String op, String name, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
    super(op, name);
    this.op = op; // first: op() names the layer in the checks below
    int rank = Params.spatialRank(this, "kernel", kernel);
    this.kernel = Params.tuple(this, "kernel", kernel, rank, 1);
    this.stride = Params.tuple(this, "stride", stride, rank, 1);
    this.padding = Params.tuple(this, "padding", padding, rank, 0);
    this.dilation = Params.tuple(this, "dilation", dilation, rank, 1);
    for (int i = 0; i < rank; i++) {
      // Otherwise a window could hold padding only (PyTorch rejects it the same way).
      if (this.padding[i] > this.kernel[i] / 2) {
        throw badParameter("padding", "must be at most half the kernel " + Shapes.format(kernel),
            Shapes.format(padding));
      }
    }
    this.ceilMode = ceilMode;
    this.k3 = toThree(this.kernel);
    this.s3 = toThree(this.stride);
    this.p3 = toThree(this.padding, 0);
    this.d3 = toThree(this.dilation);
  }

  /** "maxpool2d" for a base "maxpool" and a 2-entry kernel; the base alone when the kernel is malformed. */
  static String opName(String base, int[] kernel) {
    return kernel != null && kernel.length >= 1 && kernel.length <= 3 ? base + kernel.length + "d" : base;
  }

  /**
   * {@code value} itself when it has {@code rank} entries, for constructors of a fixed rank that must
   * check before calling their super constructor; the error has {@link BaseLayer#badParameter}'s form.
   */
  static int[] requireRank(String op, String name, String parameter, int[] value, int rank) {
    if (value == null || value.length != rank) {
      throw new IllegalArgumentException(op + " '" + name + "': parameter '" + parameter + "' must have " + rank
          + " entries but is " + (value == null ? "null" : Shapes.format(value)));
    }
    return value;
  }

  static int[] ones(int rank) {
    int[] v = new int[rank];
    java.util.Arrays.fill(v, 1);
    return v;
  }

  private static int[] toThree(int[] v) {
    return toThree(v, 1);
  }

  private static int[] toThree(int[] v, int fill) {
    int[] out = {fill, fill, fill};
    System.arraycopy(v, 0, out, 3 - v.length, v.length);
    return out;
  }

  @Override
  public final String op() {
    return op;
  }

  /** Number of spatial axes, 1 to 3. */
  public final int spatialRank() {
    return kernel.length;
  }

  @Override
  public final int[] kernel() {
    return kernel.clone();
  }

  @Override
  public final int[] stride() {
    return stride.clone();
  }

  @Override
  public final int[] dilation() {
    return dilation.clone();
  }

  public final int[] padding() {
    return padding.clone();
  }

  public final boolean ceilMode() {
    return ceilMode;
  }

  @Override
  public final int[] outputShape(int[] in) {
    int rank = kernel.length;
    int[] min = new int[rank];
    boolean ok = in.length == rank + 1 && in[0] >= 1;
    for (int i = 0; i < rank; i++) {
      min[i] = ConvGeometry.minInputSize(kernel[i], stride[i], padding[i], padding[i], dilation[i], ceilMode);
      ok &= ok && in[i + 1] >= min[i];
    }
    if (!ok) {
      throw new ShapeException(this, Params.spatialShape("C", min), in);
    }
    int[] out = new int[rank + 1];
    out[0] = in[0];
    for (int i = 0; i < rank; i++) {
      out[i + 1] = outSize(in[i + 1], i);
    }
    return out;
  }

  private int outSize(int in, int axis) {
    return ConvGeometry.outputSize(in, kernel[axis], stride[axis], padding[axis], padding[axis], dilation[axis],
        ceilMode);
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rank = kernel.length;
    int d = rank == 3 ? inShape[1] : 1;
    int h = rank >= 2 ? inShape[rank - 1] : 1;
    int w = inShape[rank];
    int outD = rank == 3 ? outSize(d, 0) : 1;
    int outH = rank >= 2 ? outSize(h, rank - 2) : 1;
    int outW = outSize(w, rank - 1);
    int planes = batch * inShape[0];
    int dst = 0;
    for (int p = 0; p < planes; p++) {
      int src = p * d * h * w;
      for (int od = 0; od < outD; od++) {
        int d0 = od * s3[0] - p3[0];
        for (int oh = 0; oh < outH; oh++) {
          int h0 = oh * s3[1] - p3[1];
          for (int ow = 0; ow < outW; ow++) {
            out[dst++] = window(in, src, d, h, w, d0, h0, ow * s3[2] - p3[2]);
          }
        }
      }
    }
  }

  /**
   * The pooled value of the window whose first corner, in unpadded coordinates, is (d0, h0, w0)
   * in the plane of size d x h x w starting at {@code plane}; taps are {@link #d3} apart.
   */
  abstract float window(float[] in, int plane, int d, int h, int w, int d0, int h0, int w0);

  /** First tap index k >= 0 with start + k * dil >= 0. */
  static int firstTap(int start, int dil) {
    return start >= 0 ? 0 : (-start + dil - 1) / dil;
  }

  /** One past the last tap index k < kernel with start + k * dil < size. */
  static int endTap(int start, int kernel, int dil, int size) {
    if (start >= size) {
      return 0;
    }
    return Math.min(kernel, (size - 1 - start) / dil + 1);
  }
}
