package dev.sparkconv.nn;

import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, like PyTorch's nn.Conv2d) lowered to GEMM. Per sample and
 * group the input patch is unrolled by im2col into scratch (rows = inC/g * kH * kW, columns =
 * outH * outW) and W_g (outC/g x rows) times it lands straight in the output; a 1x1 kernel with
 * stride 1 and no padding is already that matrix, so the GEMM reads the input directly.
 * Weight layout (outC, inC/groups, kH, kW); padding is symmetric; bias may be null.
 */
public final class Conv2d extends BaseLayer implements Windowed {
  private final int inChannels;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final int[] dilation;
  private final int groups;
  private final float[] weight;
  private final float[] bias;

  public Conv2d(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, int groups, float[] weight, float[] bias) {
    super("conv2d", name);
    this.inChannels = positive("inChannels", inChannels);
    this.outChannels = positive("outChannels", outChannels);
    this.kernel = pair("kernel", kernel, 1);
    this.stride = pair("stride", stride, 1);
    this.padding = pair("padding", padding, 0);
    this.dilation = pair("dilation", dilation, 1);
    this.groups = positive("groups", groups);
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw badParameter("groups", "must divide inChannels " + inChannels + " and outChannels " + outChannels,
          Integer.toString(groups));
    }
    long weightSize = (long) outChannels * (inChannels / groups) * this.kernel[0] * this.kernel[1];
    if (weight == null || weight.length != weightSize) {
      throw badParameter("weight", "must hold outC*inC/groups*kH*kW = " + weightSize + " values",
          weight == null ? "null" : weight.length + " values");
    }
    if (bias != null && bias.length != outChannels) {
      throw badParameter("bias", "must be null or hold outChannels = " + outChannels + " values",
          bias.length + " values");
    }
    this.weight = weight.clone();
    this.bias = bias == null ? null : bias.clone();
  }

  @Override
  public String op() {
    return "conv2d";
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  public int[] kernel() {
    return kernel.clone();
  }

  public int[] stride() {
    return stride.clone();
  }

  public int[] padding() {
    return padding.clone();
  }

  public int[] dilation() {
    return dilation.clone();
  }

  public int groups() {
    return groups;
  }

  /** A copy, (outC, inC/groups, kH, kW): the layer is shared, so its arrays never leave it. */
  public float[] weight() {
    return weight.clone();
  }

  /** A copy, or null when the layer has no bias. */
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  @Override
  public int[] outputShape(int[] in) {
    int minH = ConvGeometry.minInputSize(kernel[0], stride[0], padding[0], padding[0], dilation[0], false);
    int minW = ConvGeometry.minInputSize(kernel[1], stride[1], padding[1], padding[1], dilation[1], false);
    if (in.length != 3 || in[0] != inChannels || in[1] < minH || in[2] < minW) {
      throw new ShapeException(this, "(" + inChannels + ", H>=" + minH + ", W>=" + minW + ")", in);
    }
    return new int[] {outChannels, outSize(in, 0), outSize(in, 1)};
  }

  private int outSize(int[] in, int axis) {
    return ConvGeometry.outputSize(in[axis + 1], kernel[axis], stride[axis], padding[axis], padding[axis],
        dilation[axis], false);
  }

  @Override
  public long parameterCount() {
    return weight.length + (bias == null ? 0 : bias.length);
  }

  @Override
  public long macs(int[] in) {
    int[] out = outputShape(in);
    return (long) outChannels * out[1] * out[2] * (inChannels / groups) * kernel[0] * kernel[1];
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int[] outShape = outputShape(inShape);
    int h = inShape[1];
    int w = inShape[2];
    int outPlane = outShape[1] * outShape[2];
    int inPerGroup = inChannels / groups;
    int outPerGroup = outChannels / groups;
    int rows = inPerGroup * kernel[0] * kernel[1];
    boolean direct = kernel[0] == 1 && kernel[1] == 1 && stride[0] == 1 && stride[1] == 1
        && padding[0] == 0 && padding[1] == 0;
    float[] cols = direct ? null : ctx.scratch(ScratchSlots.CONV_COLUMNS, rows * outPlane);
    Gemm gemm = ctx.gemm();
    for (int n = 0; n < batch; n++) {
      for (int g = 0; g < groups; g++) {
        int inOff = (n * inChannels + g * inPerGroup) * h * w;
        int outOff = (n * outChannels + g * outPerGroup) * outPlane;
        if (direct) {
          gemm.sgemm(false, false, outPerGroup, outPlane, rows, 1f, weight, g * outPerGroup * rows, rows,
              in, inOff, outPlane, 0f, out, outOff, outPlane);
        } else {
          im2col(in, inOff, inPerGroup, h, w, outShape[1], outShape[2], cols);
          gemm.sgemm(false, false, outPerGroup, outPlane, rows, 1f, weight, g * outPerGroup * rows, rows,
              cols, 0, outPlane, 0f, out, outOff, outPlane);
        }
      }
      if (bias != null) {
        for (int o = 0; o < outChannels; o++) {
          int off = (n * outChannels + o) * outPlane;
          float b = bias[o];
          for (int i = off; i < off + outPlane; i++) {
            out[i] += b;
          }
        }
      }
    }
  }

  /** Row (c, kh, kw), column (oh, ow) = input (c, oh*sH - pH + kh*dH, ow*sW - pW + kw*dW), zero outside. */
  private void im2col(float[] in, int inOff, int channels, int h, int w, int outH, int outW, float[] cols) {
    int row = 0;
    for (int c = 0; c < channels; c++) {
      int plane = inOff + c * h * w;
      for (int kh = 0; kh < kernel[0]; kh++) {
        for (int kw = 0; kw < kernel[1]; kw++, row++) {
          int shiftW = kw * dilation[1] - padding[1];
          // Output columns whose input column lies inside [0, w): the rest are padding zeros.
          int lo = Math.min(outW, Math.max(0, ceilDiv(-shiftW, stride[1])));
          int hi = Math.max(lo, Math.min(outW, Math.floorDiv(w - 1 - shiftW, stride[1]) + 1));
          for (int oh = 0; oh < outH; oh++) {
            int ih = oh * stride[0] - padding[0] + kh * dilation[0];
            int dst = (row * outH + oh) * outW;
            if (ih < 0 || ih >= h) {
              Arrays.fill(cols, dst, dst + outW, 0f);
              continue;
            }
            int src = plane + ih * w + shiftW;
            Arrays.fill(cols, dst, dst + lo, 0f);
            if (stride[1] == 1) {
              System.arraycopy(in, src + lo, cols, dst + lo, hi - lo);
            } else {
              for (int ow = lo; ow < hi; ow++) {
                cols[dst + ow] = in[src + ow * stride[1]];
              }
            }
            Arrays.fill(cols, dst + hi, dst + outW, 0f);
          }
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  @Override
  public String toString() {
    return super.toString() + " " + inChannels + "->" + outChannels + " k" + Shapes.format(kernel)
        + " s" + Shapes.format(stride) + " p" + Shapes.format(padding) + " d" + Shapes.format(dilation)
        + " g" + groups;
  }
}
