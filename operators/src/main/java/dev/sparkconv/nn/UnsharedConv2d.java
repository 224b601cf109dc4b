package dev.sparkconv.nn;

import dev.sparkconv.kernel.Gemm;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * 2-D convolution whose weights are not shared by every output position but repeat every
 * {@code tile} positions per axis: output (oc, y, x) = bias[oc][y % tH][x % tW] + sum over ci, ky, kx
 * of W[y % tH][x % tW][oc][ci][ky][kx] * in[ci][y*sH - pH + ky*dH][x*sW - pW + kx*dW], zero outside
 * the input. Tile (1, 1) is an ordinary convolution; tile = output size is a locally connected layer.
 * Weight layout (tH, tW, outC, inC, kH, kW): the weights of one tile position form one contiguous
 * outC x (inC*kH*kW) matrix. Bias layout (outC, tH, tW), or null.
 *
 * <p>Lowered to GEMM per tile position (a, b): the output positions it owns (y = a, a + tH, ...,
 * x = b, b + tW, ...) of several samples are unrolled into columns, multiplied by that position's
 * matrix and scattered into the output. Samples are batched until a GEMM has about
 * {@link ConvPlan#UNSHARED_TARGET_COLUMNS} columns, so a locally connected layer (one position per tile) still
 * runs matrix-matrix products on a batch.
 */
abstract class UnsharedConv2d extends BaseLayer implements Windowed {
  final int inChannels;
  final int outChannels;
  /** The one (H, W) input a locally connected layer takes; null for a tiled convolution. */
  final int[] inputSize;
  final int[] kernel;
  final int[] stride;
  final int[] padding;
  final int[] dilation;
  final int[] tile;
  final float[] weight;
  final float[] bias;

  /**
   * {@code tile} null: the output size of {@code inputSize} (a locally connected layer).
   * {@code tileAxes} names the tile axes in messages: "tH*tW" or "outH*outW".
   */
  UnsharedConv2d(String op, String name, int inChannels, int outChannels, int[] inputSize, int[] kernel,
      int[] stride, int[] padding, int[] dilation, int[] tile, float[] weight, float[] bias, String tileAxes) {
    super(op, name);
    this.inChannels = positive("inChannels", inChannels);
    this.outChannels = positive("outChannels", outChannels);
    this.kernel = pair("kernel", kernel, 1);
    this.stride = pair("stride", stride, 1);
    this.padding = pair("padding", padding, 0);
    this.dilation = pair("dilation", dilation, 1);
    if (tile == null) {
      this.inputSize = pair("inputSize", inputSize, 1);
      int[] out = new int[2];
      for (int a = 0; a < 2; a++) {
        try {
          out[a] = ConvGeometry.outputSize(inputSize[a], this.kernel[a], this.stride[a], this.padding[a],
              this.padding[a], this.dilation[a], false);
        } catch (IllegalArgumentException e) {
          throw badParameter("inputSize", "must leave room for one window (" + e.getMessage() + ")",
              Shapes.format(inputSize));
        }
      }
      this.tile = out;
    } else {
      this.inputSize = null;
      this.tile = pair("tile", tile, 1);
    }
    int[] t = this.tile;
    this.weight = sized("weight", weight, (long) t[0] * t[1] * outChannels * inChannels * this.kernel[0]
        * this.kernel[1], tileAxes + "*outC*inC*kH*kW");
    this.bias = optional("bias", bias, (long) outChannels * t[0] * t[1], "outC*" + tileAxes);
  }

  public final int inChannels() {
    return inChannels;
  }

  public final int outChannels() {
    return outChannels;
  }

  @Override
  public final int[] kernel() {
    return kernel.clone();
  }

  @Override
  public final int[] stride() {
    return stride.clone();
  }

  public final int[] padding() {
    return padding.clone();
  }

  @Override
  public final int[] dilation() {
    return dilation.clone();
  }

  /** A copy, in the layout the class comment gives. */
  public final float[] weight() {
    return weight.clone();
  }

  /** A copy, or null when the layer has no bias. */
  public final float[] bias() {
    return bias == null ? null : bias.clone();
  }

  @Override
  public final int[] outputShape(int[] in) {
    if (inputSize != null) {
      if (in.length != 3 || in[0] != inChannels || in[1] != inputSize[0] || in[2] != inputSize[1]) {
        throw new ShapeException(this, "(" + inChannels + ", " + inputSize[0] + ", " + inputSize[1]
            + ") (its weights are per output position)", in);
      }
      return new int[] {outChannels, tile[0], tile[1]};
    }
    return ConvGeometry.outputShape2d(this, inChannels, outChannels, in, kernel, stride, padding, dilation);
  }

  private int outSize(int in, int axis) {
    return ConvGeometry.outputSize(in, kernel[axis], stride[axis], padding[axis], padding[axis], dilation[axis],
        false);
  }

  @Override
  public final long parameterCount() {
    return weight.length + (bias == null ? 0 : bias.length);
  }

  @Override
  public final long macs(int[] in) {
    int[] out = outputShape(in);
    return (long) outChannels * out[1] * out[2] * inChannels * kernel[0] * kernel[1];
  }

  @Override
  final void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int h = inShape[1];
    int w = inShape[2];
    int outH = outSize(h, 0);
    int outW = outSize(w, 1);
    int plane = outH * outW;
    int rows = inChannels * kernel[0] * kernel[1];
    // Tile position (0, 0) owns the most output positions.
    int most = ceilDiv(outH, tile[0]) * ceilDiv(outW, tile[1]);
    int chunk = Math.max(1, Math.min(batch, ceilDiv(ConvPlan.UNSHARED_TARGET_COLUMNS, most)));
    float[] cols = ctx.scratch(ScratchSlots.UNSHARED_COLUMNS, rows * chunk * most);
    float[] result = ctx.scratch(ScratchSlots.UNSHARED_RESULT, outChannels * chunk * most);
    Gemm gemm = ctx.gemm();
    for (int n0 = 0; n0 < batch; n0 += chunk) {
      int samples = Math.min(chunk, batch - n0);
      for (int a = 0; a < Math.min(tile[0], outH); a++) {
        for (int b = 0; b < Math.min(tile[1], outW); b++) {
          int ny = ceilDiv(outH - a, tile[0]);
          int nx = ceilDiv(outW - b, tile[1]);
          int columns = samples * ny * nx;
          im2col(in, n0, samples, h, w, a, b, ny, nx, cols);
          gemm.sgemm(false, false, outChannels, columns, rows, 1f, weight, (a * tile[1] + b) * outChannels * rows,
              rows, cols, 0, columns, 0f, result, 0, columns);
          for (int s = 0; s < samples; s++) {
            for (int o = 0; o < outChannels; o++) {
              float bo = bias == null ? 0f : bias[(o * tile[0] + a) * tile[1] + b];
              int src = o * columns + s * ny * nx;
              int dst = ((n0 + s) * outChannels + o) * plane;
              for (int yy = 0; yy < ny; yy++) {
                int row = dst + (a + yy * tile[0]) * outW + b;
                for (int xx = 0; xx < nx; xx++) {
                  out[row + xx * tile[1]] = result[src++] + bo;
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * Row (c, ky, kx), column (s, yy, xx) = input (n0 + s, c, y*sH - pH + ky*dH, x*sW - pW + kx*dW) with
   * y = a + yy*tH, x = b + xx*tW; zero outside the input.
   */
  private void im2col(float[] in, int n0, int samples, int h, int w, int a, int b, int ny, int nx, float[] cols) {
    int columns = samples * ny * nx;
    int stepH = stride[0] * tile[0];
    int stepW = stride[1] * tile[1];
    int row = 0;
    for (int c = 0; c < inChannels; c++) {
      for (int ky = 0; ky < kernel[0]; ky++) {
        for (int kx = 0; kx < kernel[1]; kx++, row++) {
          int y0 = a * stride[0] - padding[0] + ky * dilation[0];
          int x0 = b * stride[1] - padding[1] + kx * dilation[1];
          int dst = row * columns;
          for (int s = 0; s < samples; s++) {
            int planeOff = ((n0 + s) * inChannels + c) * h * w;
            for (int yy = 0; yy < ny; yy++, dst += nx) {
              int iy = y0 + yy * stepH;
              if (iy < 0 || iy >= h) {
                Arrays.fill(cols, dst, dst + nx, 0f);
                continue;
              }
              int src = planeOff + iy * w;
              for (int xx = 0; xx < nx; xx++) {
                int ix = x0 + xx * stepW;
                cols[dst + xx] = ix >= 0 && ix < w ? in[src + ix] : 0f;
              }
            }
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
        + " tile" + Shapes.format(tile);
  }
}
