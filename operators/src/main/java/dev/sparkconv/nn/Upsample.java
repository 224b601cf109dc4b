package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * Resizing with PyTorch's F.interpolate semantics, by output size or by scale factor (output
 * floor(in * scale); without recompute_scale_factor the source coordinates then use 1/scale, not
 * in/out, as PyTorch does). "nearest" over 1 to 3 spatial axes reads input floor(dst * in/out)
 * (float arithmetic, clamped; same size copies, exact doubling halves the index); "bilinear" over
 * (C, H, W) with align_corners true (src = dst * (in-1)/(out-1)) or false (src = (dst + 0.5) *
 * in/out - 0.5, clamped at 0), an axis whose size does not change is copied; "bicubic" over (C, H, W), PyTorch's
 * upsample_bicubic2d: the same source index unclamped, Keys' cubic with A = -0.75 over 4 x 4 taps, reads past the
 * edge clamped to it. Op "upsample".
 */
public final class Upsample extends BaseLayer {
  private final boolean bilinear;
  private final boolean bicubic;
  private final int[] size;
  private final double[] scale;
  private final boolean alignCorners;

  /** Exactly one of {@code size} and {@code scale} is non-null, one entry per spatial axis. */
  public Upsample(String name, String mode, int[] size, double[] scale, boolean alignCorners) {
    super("upsample", name);
    if (!"nearest".equals(mode) && !"bilinear".equals(mode) && !"bicubic".equals(mode)) {
      throw badParameter("mode", "must be nearest, bilinear or bicubic", String.valueOf(mode));
    }
    this.bicubic = mode.equals("bicubic");
    this.bilinear = mode.equals("bilinear") || bicubic; // the same geometry; bicubic only changes the taps
    if (size == null && scale == null) {
      throw badParameter("size", "must be given when scale is not", "null");
    }
    if (size != null && scale != null) {
      throw badParameter("scale", "must be null when size is given", Arrays.toString(scale));
    }
    int rank = size != null ? size.length : scale.length;
    if (rank < 1 || rank > 3 || bilinear && rank != 2) {
      throw badParameter(size != null ? "size" : "scale", bilinear ? "must have 2 entries (H, W) for bilinear"
          : "must have 1, 2 or 3 entries (one per spatial axis)", size != null ? Shapes.format(size)
          : Arrays.toString(scale));
    }
    this.size = size == null ? null : Params.tuple(this, "size", size, rank, 1);
    if (scale != null) {
      for (double s : scale) {
        if (!(s > 0) || Double.isInfinite(s)) {
          throw badParameter("scale", "must have positive finite entries", Arrays.toString(scale));
        }
      }
    }
    this.scale = scale == null ? null : scale.clone();
    if (alignCorners && !bilinear) {
      throw badParameter("alignCorners", "applies to bilinear only (PyTorch refuses it for nearest)", "true");
    }
    this.alignCorners = alignCorners;
  }

  @Override
  public String op() {
    return "upsample";
  }

  public String mode() {
    return bicubic ? "bicubic" : bilinear ? "bilinear" : "nearest";
  }

  /** The output size, or null when the layer scales. */
  public int[] size() {
    return size == null ? null : size.clone();
  }

  /** The scale factors, or null when the layer has a fixed output size. */
  public double[] scale() {
    return scale == null ? null : scale.clone();
  }

  public boolean alignCorners() {
    return alignCorners;
  }

  private int rank() {
    return size != null ? size.length : scale.length;
  }

  private int outSize(int in, int axis) {
    return size != null ? size[axis] : (int) Math.min(Math.floor(in * scale[axis]), Integer.MAX_VALUE);
  }

  @Override
  public int[] outputShape(int[] in) {
    int rank = rank();
    boolean ok = in.length == rank + 1 && Shapes.size(in) > 0;
    int[] out = in.clone();
    for (int i = 0; ok && i < rank; i++) {
      out[i + 1] = outSize(in[i + 1], i);
      ok = out[i + 1] >= 1;
    }
    if (!ok) {
      throw new ShapeException(this, "(C, " + rank + " spatial axes) with every output size >= 1", in);
    }
    Shapes.size(out);
    return out;
  }

  /** PyTorch's source-to-destination ratio: 1/scale when a scale factor was given, else in/out. */
  private float ratio(int in, int out, int axis) {
    return scale != null ? (float) (1.0 / scale[axis]) : (float) in / out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rank = rank();
    int d = rank == 3 ? inShape[1] : 1;
    int h = rank >= 2 ? inShape[rank - 1] : 1;
    int w = inShape[rank];
    int od = rank == 3 ? outSize(d, 0) : 1;
    int oh = rank >= 2 ? outSize(h, rank - 2) : 1;
    int ow = outSize(w, rank - 1);
    int planes = batch * inShape[0];
    if (bicubic) {
      for (int p = 0; p < planes; p++) {
        bicubic(in, p * h * w, h, w, out, p * oh * ow, oh, ow);
      }
      return;
    }
    if (bilinear) {
      for (int p = 0; p < planes; p++) {
        bilinear(in, p * h * w, h, w, out, p * oh * ow, oh, ow);
      }
      return;
    }
    float rd = rank == 3 ? ratio(d, od, 0) : 1;
    float rh = rank >= 2 ? ratio(h, oh, rank - 2) : 1;
    float rw = ratio(w, ow, rank - 1);
    int dst = 0;
    for (int p = 0; p < planes; p++) {
      int plane = p * d * h * w;
      for (int z = 0; z < od; z++) {
        int sz = nearest(z, d, od, rd);
        for (int y = 0; y < oh; y++) {
          int row = plane + (sz * h + nearest(y, h, oh, rh)) * w;
          for (int x = 0; x < ow; x++) {
            out[dst++] = in[row + nearest(x, w, ow, rw)];
          }
        }
      }
    }
  }

  /** PyTorch's nearest_idx. */
  static int nearest(int dst, int in, int out, float ratio) {
    if (out == in) {
      return dst;
    }
    if (out == 2 * in) {
      return dst >> 1;
    }
    return Math.min((int) Math.floor(dst * ratio), in - 1);
  }

  private void bilinear(float[] in, int src, int h, int w, float[] out, int dst, int oh, int ow) {
    float rh = linearRatio(h, oh, 0);
    float rw = linearRatio(w, ow, 1);
    for (int y = 0; y < oh; y++) {
      float fy = oh == h ? y : sourceIndex(rh, y);
      int y0 = Math.min((int) Math.floor(fy), h - 1);
      int y1 = y0 + (y0 < h - 1 ? 1 : 0);
      float ly1 = Math.min(Math.max(fy - y0, 0f), 1f);
      float ly0 = 1 - ly1;
      int row0 = src + y0 * w;
      int row1 = src + y1 * w;
      for (int x = 0; x < ow; x++) {
        float fx = ow == w ? x : sourceIndex(rw, x);
        int x0 = Math.min((int) Math.floor(fx), w - 1);
        int x1 = x0 + (x0 < w - 1 ? 1 : 0);
        float lx1 = Math.min(Math.max(fx - x0, 0f), 1f);
        float lx0 = 1 - lx1;
        out[dst++] = ly0 * (lx0 * in[row0 + x0] + lx1 * in[row0 + x1])
            + ly1 * (lx0 * in[row1 + x0] + lx1 * in[row1 + x1]);
      }
    }
  }

  /** PyTorch's upsample_bicubic2d for one plane: a same-size plane is copied. */
  private void bicubic(float[] in, int src, int h, int w, float[] out, int dst, int oh, int ow) {
    if (oh == h && ow == w) {
      System.arraycopy(in, src, out, dst, h * w);
      return;
    }
    float rh = linearRatio(h, oh, 0);
    float rw = linearRatio(w, ow, 1);
    float[] wy = new float[4];
    float[] wx = new float[4];
    for (int y = 0; y < oh; y++) {
      float fy = cubicSource(rh, y);
      int y0 = (int) Math.floor(fy);
      cubicWeights(fy - y0, wy);
      for (int x = 0; x < ow; x++) {
        float fx = cubicSource(rw, x);
        int x0 = (int) Math.floor(fx);
        cubicWeights(fx - x0, wx);
        float sum = 0;
        for (int i = 0; i < 4; i++) {
          int row = src + Math.min(Math.max(y0 - 1 + i, 0), h - 1) * w;
          float r = 0;
          for (int j = 0; j < 4; j++) {
            r += wx[j] * in[row + Math.min(Math.max(x0 - 1 + j, 0), w - 1)];
          }
          sum += wy[i] * r;
        }
        out[dst++] = sum;
      }
    }
  }

  /** area_pixel_compute_source_index with cubic = true: no clamping at 0. */
  private float cubicSource(float ratio, int dst) {
    return alignCorners ? ratio * dst : (float) (ratio * (dst + 0.5) - 0.5);
  }

  /** PyTorch's get_cubic_upsample_coefficients, A = -0.75. */
  private static void cubicWeights(float t, float[] c) {
    float a = -0.75f;
    c[0] = cubicFar(t + 1, a);
    c[1] = cubicNear(t, a);
    c[2] = cubicNear(1 - t, a);
    c[3] = cubicFar(2 - t, a);
  }

  private static float cubicNear(float x, float a) {
    return ((a + 2) * x - (a + 3)) * x * x + 1;
  }

  private static float cubicFar(float x, float a) {
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  }

  /** PyTorch's area_pixel_compute_scale. */
  private float linearRatio(int in, int out, int axis) {
    if (alignCorners) {
      return out > 1 ? (float) (in - 1) / (out - 1) : 0f;
    }
    return ratio(in, out, axis);
  }

  /** PyTorch's area_pixel_compute_source_index for linear modes. */
  private float sourceIndex(float ratio, int dst) {
    if (alignCorners) {
      return ratio * dst;
    }
    float src = (float) (ratio * (dst + 0.5) - 0.5);
    return src < 0 ? 0 : src;
  }
}
