package dev.sparkconv.nn;

import dev.sparkconv.kernel.Epilogue;
import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.tensor.Shapes;

/**
 * Deformable convolution, v1 (Dai et al. 2017) and modulated v2 (Zhu et al. 2018), computing what
 * {@code torchvision.ops.deform_conv2d(x, offset, weight, bias, stride, padding, dilation, mask)}
 * computes. A layer has one input, so the offsets (and the v2 mask) come from the layer's own
 * regular "offset conv" over the same input, as in the papers: same kernel, stride, padding and
 * dilation, groups 1, {@code (modulated ? 3 : 2) * offsetGroups * kH * kW} output channels. Its
 * first {@code 2 * offsetGroups * kH * kW} channels are the offsets in torchvision's layout (for
 * offset group og and tap k = ky * kW + kx: channel 2 * (og * K + k) is dy, the next dx); the rest,
 * through a sigmoid, are the mask (channel og * K + k), as mmcv's ModulatedDeformConv2dPack splits them.
 *
 * <p>Tap (ky, kx) of output (y, x) samples input channel c at (y*sH - pH + ky*dH + dy,
 * x*sW - pW + kx*dW + dx), with the offset of c's offset group, bilinearly and zero outside the
 * image (torchvision's rule: nothing past -1 or the size, the missing corners of a partial cell
 * count as zero); v2 multiplies the sample by the mask. Per sample: im2col ({@link ConvKernels#im2col}), the
 * offset conv as one GEMM, the sampled columns (C*kH*kW x outH*outW) in the same scratch, then one GEMM per group,
 * both with weights packed once and the bias added as C is written.
 *
 * <p>Weights: (outC, inC/groups, kH, kW) and bias (outC) or null, like a convolution; offset conv
 * (offsetChannels, inC, kH, kW) and its bias (offsetChannels) or null.
 *
 * <p>{@link Windowed} describes the regular grid the offsets displace: the stride and jump are
 * exact; the receptive field computed from it is the undeformed one, whereas the deformed samples
 * may land anywhere the learned offsets send them.
 */
public final class DeformConv2d extends BaseLayer implements Windowed {
  private final int inChannels;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final int[] dilation;
  private final int groups;
  private final int offsetGroups;
  private final boolean modulated;
  private final float[] weight;
  private final float[] bias;
  private final float[] offsetWeight;
  private final float[] offsetBias;
  /** The weights of each group, and the offset conv's, packed for the GEMM per JVM. */
  private final PackedWeights packedWeights = new PackedWeights();
  private final PackedWeights packedOffsetWeights = new PackedWeights();

  public DeformConv2d(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, int groups, int offsetGroups, boolean modulated, float[] weight, float[] bias,
      float[] offsetWeight, float[] offsetBias) {
    super("deform_conv2d", name);
    this.inChannels = positive("inChannels", inChannels);
    this.outChannels = positive("outChannels", outChannels);
    this.kernel = pair("kernel", kernel, 1);
    this.stride = pair("stride", stride, 1);
    this.padding = pair("padding", padding, 0);
    this.dilation = pair("dilation", dilation, 1);
    this.groups = groups(groups, inChannels, outChannels);
    this.offsetGroups = positive("offsetGroups", offsetGroups);
    this.modulated = modulated;
    if (inChannels % offsetGroups != 0) {
      throw badParameter("offsetGroups", "must divide inChannels " + inChannels, Integer.toString(offsetGroups));
    }
    int taps = this.kernel[0] * this.kernel[1];
    this.weight = sized("weight", weight, (long) outChannels * (inChannels / groups) * taps, "outC*inC/groups*kH*kW");
    this.bias = optional("bias", bias, outChannels, "outChannels");
    long offsetChannels = (modulated ? 3L : 2L) * offsetGroups * taps;
    String per = (modulated ? 3 : 2) + "*offsetGroups*kH*kW";
    this.offsetWeight = sized("offsetWeight", offsetWeight, offsetChannels * inChannels * taps,
        "(" + per + ")*inC*kH*kW");
    this.offsetBias = optional("offsetBias", offsetBias, offsetChannels, per);
  }

  @Override
  public String op() {
    return "deform_conv2d";
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  @Override
  public int[] kernel() {
    return kernel.clone();
  }

  @Override
  public int[] stride() {
    return stride.clone();
  }

  public int[] padding() {
    return padding.clone();
  }

  @Override
  public int[] dilation() {
    return dilation.clone();
  }

  public int groups() {
    return groups;
  }

  public int offsetGroups() {
    return offsetGroups;
  }

  /** True for v2: the offset conv also yields a mask that scales every sample. */
  public boolean modulated() {
    return modulated;
  }

  /** Output channels of the offset conv: (modulated ? 3 : 2) * offsetGroups * kH * kW. */
  public int offsetChannels() {
    return (modulated ? 3 : 2) * offsetGroups * kernel[0] * kernel[1];
  }

  /** A copy, (outC, inC/groups, kH, kW). */
  public float[] weight() {
    return weight.clone();
  }

  /** A copy, or null when the layer has no bias. */
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  /** A copy, (offsetChannels, inC, kH, kW). */
  public float[] offsetWeight() {
    return offsetWeight.clone();
  }

  /** A copy, or null when the offset conv has no bias. */
  public float[] offsetBias() {
    return offsetBias == null ? null : offsetBias.clone();
  }

  @Override
  public int[] outputShape(int[] in) {
    return ConvGeometry.outputShape2d(this, inChannels, outChannels, in, kernel, stride, padding, dilation);
  }

  private int outSize(int in, int axis) {
    return ConvGeometry.outputSize(in, kernel[axis], stride[axis], padding[axis], padding[axis], dilation[axis],
        false);
  }

  @Override
  public long parameterCount() {
    return weight.length + (bias == null ? 0 : bias.length) + offsetWeight.length
        + (offsetBias == null ? 0 : offsetBias.length);
  }

  /** The offset conv and the convolution proper; the bilinear sampling is not counted. */
  @Override
  public long macs(int[] in) {
    int[] out = outputShape(in);
    long positions = (long) out[1] * out[2];
    return positions * (weight.length + offsetWeight.length);
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int h = inShape[1];
    int w = inShape[2];
    int outH = outSize(h, 0);
    int outW = outSize(w, 1);
    int plane = outH * outW;
    int taps = kernel[0] * kernel[1];
    int rows = inChannels * taps;
    int offsetChannels = offsetChannels();
    float[] cols = ctx.scratch(ScratchSlots.DEFORM_COLUMNS, rows * plane);
    float[] offsets = ctx.scratch(ScratchSlots.DEFORM_OFFSETS, offsetChannels * plane);
    Gemm gemm = ctx.gemm();
    int outPerGroup = outChannels / groups;
    int groupRows = inChannels / groups * taps;
    Gemm.PackedA[] packed = packedWeights.get(gemm, g -> PackedWeights.perGroup(g, false, groups, outPerGroup,
        groupRows, weight));
    Gemm.PackedA offsetPacked = packedOffsetWeights.get(gemm, g -> PackedWeights.perGroup(g, false, 1,
        offsetChannels, rows, offsetWeight))[0];
    int[] dims = {1, h, w};
    int[] outDims = {1, outH, outW};
    int[] k = {1, kernel[0], kernel[1]};
    int[] s = {1, stride[0], stride[1]};
    int[] d = {1, dilation[0], dilation[1]};
    int[] pad = {0, padding[0], padding[1]};
    int firstMask = 2 * offsetGroups * taps;
    for (int n = 0; n < batch; n++) {
      int inOff = n * inChannels * h * w;
      // The offset conv: regular columns, one GEMM with its bias, the sigmoid of the mask channels.
      ConvKernels.im2col(in, inOff, inChannels, dims, outDims, k, s, d, pad, 0, outH, cols);
      gemm.sgemm(offsetPacked, false, plane, 1f, cols, 0, plane, 0f, Epilogue.bias(offsetBias, 0), offsets, 0,
          plane);
      for (int i = firstMask * plane; i < offsetChannels * plane; i++) {
        offsets[i] = (float) (1 / (1 + Math.exp(-(double) offsets[i])));
      }
      sample(in, inOff, h, w, outH, outW, offsets, cols);
      int outOff = n * outChannels * plane;
      for (int g = 0; g < groups; g++) {
        gemm.sgemm(packed[g], false, plane, 1f, cols, g * groupRows * plane, plane, 0f,
            Epilogue.bias(bias, g * outPerGroup), out, outOff + g * outPerGroup * plane, plane);
      }
    }
  }

  /**
   * Row (c, ky, kx), column (y, x) = mask * bilinear sample of channel c at the displaced tap. The
   * corner weights are computed once per offset group, tap and position and applied to the
   * group's channels.
   */
  private void sample(float[] in, int inOff, int h, int w, int outH, int outW, float[] offsets, float[] cols) {
    sample(inChannels, offsetGroups, modulated, kernel, stride, padding, dilation, in, inOff, h, w, outH, outW,
        offsets, cols);
  }

  /**
   * {@link #sample} for any geometry ({@link DeformConvJoin} shares it): {@code offsets} holds the 2 * offsetGroups
   * * kH * kW offset planes, then (modulated) the offsetGroups * kH * kW mask planes, each outH x outW.
   */
  static void sample(int inChannels, int offsetGroups, boolean modulated, int[] kernel, int[] stride, int[] padding,
      int[] dilation, float[] in, int inOff, int h, int w, int outH, int outW, float[] offsets, float[] cols) {
    int plane = outH * outW;
    int taps = kernel[0] * kernel[1];
    int perOffsetGroup = inChannels / offsetGroups;
    int hw = h * w;
    for (int og = 0; og < offsetGroups; og++) {
      for (int ky = 0; ky < kernel[0]; ky++) {
        for (int kx = 0; kx < kernel[1]; kx++) {
          int k = ky * kernel[1] + kx;
          int dyRow = 2 * (og * taps + k) * plane;
          int dxRow = dyRow + plane;
          int maskRow = (2 * offsetGroups * taps + og * taps + k) * plane;
          for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
              int p = y * outW + x;
              float mask = modulated ? offsets[maskRow + p] : 1f;
              float sy = (y * stride[0] - padding[0] + ky * dilation[0]) + offsets[dyRow + p];
              float sx = (x * stride[1] - padding[1] + kx * dilation[1]) + offsets[dxRow + p];
              int dst = ((og * perOffsetGroup) * taps + k) * plane + p;
              if (sy <= -1 || sy >= h || sx <= -1 || sx >= w) {
                for (int c = 0; c < perOffsetGroup; c++, dst += taps * plane) {
                  cols[dst] = 0f;
                }
                continue;
              }
              int y0 = (int) Math.floor(sy);
              int x0 = (int) Math.floor(sx);
              float ly = sy - y0;
              float lx = sx - x0;
              float hy = 1 - ly;
              float hx = 1 - lx;
              float w1 = hy * hx;
              float w2 = hy * lx;
              float w3 = ly * hx;
              float w4 = ly * lx;
              // A corner outside the image reads as 0, as in torchvision's bilinear_interpolate.
              boolean top = y0 >= 0;
              boolean bottom = y0 + 1 <= h - 1;
              boolean left = x0 >= 0;
              boolean right = x0 + 1 <= w - 1;
              int i1 = y0 * w + x0; // index of the top-left corner within a plane
              int src = inOff + og * perOffsetGroup * hw;
              for (int c = 0; c < perOffsetGroup; c++, dst += taps * plane, src += hw) {
                float v1 = top && left ? in[src + i1] : 0f;
                float v2 = top && right ? in[src + i1 + 1] : 0f;
                float v3 = bottom && left ? in[src + i1 + w] : 0f;
                float v4 = bottom && right ? in[src + i1 + w + 1] : 0f;
                float v = w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4;
                cols[dst] = mask * v;
              }
            }
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return super.toString() + (modulated ? " v2 " : " v1 ") + inChannels + "->" + outChannels
        + " k" + Shapes.format(kernel) + " s" + Shapes.format(stride) + " p" + Shapes.format(padding)
        + " d" + Shapes.format(dilation) + " g" + groups + " og" + offsetGroups;
  }
}
