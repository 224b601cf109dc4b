package dev.sparkconv.nn;

/**
 * Locally connected 2-D layer (unshared convolution, Goodfellow et al., Deep Learning, 9.5): every
 * output position has its own kernel, so the layer takes exactly one input size, the one it was
 * built for. Weight (outH, outW, outC, inC, kH, kW): the outC x (inC*kH*kW) matrix of each output
 * position is contiguous; bias (outC, outH, outW), the output's own layout, or null. Stride,
 * padding (zeros) and dilation place the windows as in a convolution; see {@link UnsharedConv2d}.
 */
public final class LocallyConnected2d extends UnsharedConv2d {
  public LocallyConnected2d(String name, int inChannels, int outChannels, int[] inputSize, int[] kernel,
      int[] stride, int[] padding, int[] dilation, float[] weight, float[] bias) {
    super("locally_connected2d", name, inChannels, outChannels, inputSize == null ? new int[0] : inputSize,
        kernel, stride, padding, dilation, null, weight, bias, "outH*outW");
  }

  @Override
  public String op() {
    return "locally_connected2d";
  }

  /** The (H, W) input size the layer takes. */
  public int[] inputSize() {
    return inputSize.clone();
  }

  /** The (outH, outW) output size: one kernel per position. */
  public int[] outputSize() {
    return tile.clone();
  }
}
