package dev.sparkconv.nn;

/**
 * Fully connected layer, y = x W^T + b with W in PyTorch's (out, in) layout: the whole batch is one
 * GEMM with transB, so W is used as stored. Bias is prefilled into the output and the GEMM adds to it.
 */
public final class Linear extends BaseLayer {
  private final int inFeatures;
  private final int outFeatures;
  private final float[] weight;
  private final float[] bias;

  public Linear(String name, int inFeatures, int outFeatures, float[] weight, float[] bias) {
    super("linear", name);
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

  @Override
  public int[] outputShape(int[] in) {
    if (in.length != 1 || in[0] != inFeatures) {
      throw new ShapeException(this, "(" + inFeatures + ")", in);
    }
    return new int[] {outFeatures};
  }

  @Override
  public long parameterCount() {
    return weight.length + (bias == null ? 0 : bias.length);
  }

  @Override
  public long macs(int[] in) {
    outputShape(in);
    return (long) inFeatures * outFeatures;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    float beta = 0f;
    if (bias != null) {
      for (int n = 0; n < batch; n++) {
        System.arraycopy(bias, 0, out, n * outFeatures, outFeatures);
      }
      beta = 1f;
    }
    ctx.gemm().sgemm(false, true, batch, outFeatures, inFeatures, 1f, in, 0, inFeatures, weight, 0, inFeatures,
        beta, out, 0, outFeatures);
  }
}
