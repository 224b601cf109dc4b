package dev.sparkconv.nn;

/**
 * Flattened convolution (Jin et al., "Flattened convolutional neural networks"): each 3-d filter
 * (inC x kH x kW) is the outer product of three 1-d filters, run as a lateral 1x1 convolution across
 * channels (inC to outC), then a vertical kH x 1 and a horizontal 1 x kW convolution per channel.
 * inC + kH + kW weights per filter instead of inC*kH*kW. Weights: lateral (outC, inC, 1, 1),
 * vertical (outC, 1, kH, 1), horizontal (outC, 1, 1, kW), bias (outC) at the end.
 */
public final class FlattenedConv2d extends FactoredConv2d {
  private final Conv lateral;

  public FlattenedConv2d(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, PaddingMode paddingMode, float[] lateralWeight, float[] verticalWeight,
      float[] horizontalWeight, float[] bias) {
    super("flattened_conv2d", name, inChannels, outChannels, kernel, stride, padding, dilation, paddingMode,
        outChannels, outChannels, verticalWeight, horizontalWeight, bias);
    sized("lateralWeight", lateralWeight, (long) outChannels * inChannels, "");
    this.lateral = new Conv(name + ".lateral", inChannels, outChannels, new int[] {1, 1}, new int[] {1, 1},
        new int[] {0, 0}, new int[] {1, 1}, 1, lateralWeight, null);
  }

  @Override
  public String op() {
    return "flattened_conv2d";
  }

  public Conv lateral() {
    return lateral;
  }

  @Override
  Conv[] stages() {
    return new Conv[] {lateral, vertical, horizontal};
  }
}
