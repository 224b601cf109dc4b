package dev.sparkconv.nn;

import dev.sparkconv.kernel.BlockSizes;
import dev.sparkconv.tensor.Shapes;

/**
 * Fully connected layer, y = x W^T + b with W in PyTorch's (out, in) layout: the whole batch is one
 * GEMM with W used as stored (a few rows as W x^T, see {@link #run}).
 * Input (in); {@link #overLastAxis} also takes (..., in), as nn.Linear does, every leading position a GEMM
 * row (an ONNX MatMul by a weight after a Transpose to channels-last, as in ConvNeXt's blocks).
 */
public final class Linear extends BaseLayer {
  private final int inFeatures;
  private final int outFeatures;
  private final float[] weight;
  private final float[] bias;
  /** Leading per-sample axes allowed; never for a plain Linear, where a (C, H, W) input means a missing flatten. */
  private final boolean leadingAxes;

  public Linear(String name, int inFeatures, int outFeatures, float[] weight, float[] bias) {
    this(name, inFeatures, outFeatures, weight, bias, false);
  }

  /** A Linear on the last axis of an input of any rank: (..., in) to (..., out). */
  public static Linear overLastAxis(String name, int inFeatures, int outFeatures, float[] weight, float[] bias) {
    return new Linear(name, inFeatures, outFeatures, weight, bias, true);
  }

  private Linear(String name, int inFeatures, int outFeatures, float[] weight, float[] bias, boolean leadingAxes) {
    super("linear", name);
    this.leadingAxes = leadingAxes;
    this.inFeatures = positive("inFeatures", inFeatures);
    this.outFeatures = positive("outFeatures", outFeatures);
    long weightSize = (long) inFeatures * outFeatures;
    if (weight == null || weight.length != weightSize) {
      throw badParameter("weight", "must hold outFeatures*inFeatures = " + weightSize + " values",
          weight == null ? "null" : weight.length + " values");
    }
    if (bias != null && bias.length != outFeatures) {
      throw badParameter("bias", "must be null or hold outFeatures = " + outFeatures + " values",
          bias.length + " values");
    }
    this.weight = weight.clone();
    this.bias = bias == null ? null : bias.clone();
  }

  @Override
  public String op() {
    return "linear";
  }

  public int inFeatures() {
    return inFeatures;
  }

  public int outFeatures() {
    return outFeatures;
  }

  /** A copy, (out, in): the layer is shared, so its arrays never leave it. */
  public float[] weight() {
    return weight.clone();
  }

  /** A copy, or null when the layer has no bias. */
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  /** The same layer with another bias (a following Add folded in). */
  public Linear withBias(float[] newBias) {
    return new Linear(name(), inFeatures, outFeatures, weight, newBias, leadingAxes);
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length == 0 || in.length > 1 && !leadingAxes || in[in.length - 1] != inFeatures) {
      throw new ShapeException(this, "(" + (leadingAxes ? "..., " : "") + inFeatures + ")", in);
    }
    int[] out = in.clone();
    out[in.length - 1] = outFeatures;
    return out;
  }

  @Override
  public long parameterCount() {
    return weight.length + (bias == null ? 0 : bias.length);
  }

  @Override
  public long macs(int[] in) {
    return (long) Shapes.size(outputShape(in)) * inFeatures;
  }

  /**
   * Up to 256 rows past the GEMM's dot-product rows: out^T = W X^T, so that the GEMM reads the weights in place,
   * once, where out = X W^T would pack W^T (every weight, transposed) on every call.
   */
  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rows = batch * (Shapes.size(inShape) / inFeatures);
    if (rows > BlockSizes.SKINNY_DOT_ROWS && rows <= BlockSizes.IN_PLACE_A_MAX_N) {
      float[] product = ctx.scratch(ScratchSlots.LINEAR_TRANSPOSED, outFeatures * rows);
      ctx.gemm().sgemm(false, true, outFeatures, rows, inFeatures, 1f, weight, 0, inFeatures, in, 0, inFeatures, 0f,
          product, 0, rows);
      for (int n = 0; n < rows; n++) {
        for (int o = 0; o < outFeatures; o++) {
          out[n * outFeatures + o] = product[o * rows + n] + (bias == null ? 0f : bias[o]);
        }
      }
      return;
    }
    float beta = 0f;
    if (bias != null) {
      for (int n = 0; n < rows; n++) {
        System.arraycopy(bias, 0, out, n * outFeatures, outFeatures);
      }
      beta = 1f;
    }
    ctx.gemm().sgemm(false, true, rows, outFeatures, inFeatures, 1f, in, 0, inFeatures, weight, 0, inFeatures,
        beta, out, 0, outFeatures);
  }
}
