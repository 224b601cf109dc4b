package dev.sparkconv.nn;

/**
 * Spatially separable convolution: a kH x 1 convolution (inC to outC, in groups) then a 1 x kW one
 * per output channel, so every (output, input) kernel is the outer product of a vertical and a
 * horizontal 1-d filter, at kH*inC/groups + kW multiplies per output instead of kH*kW*inC/groups.
 * Weights: vertical (outC, inC/groups, kH, 1), horizontal (outC, 1, 1, kW), bias (outC) at the end.
 */
public final class SeparableConv2d extends FactoredConv2d {
  public SeparableConv2d(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, int groups, PaddingMode paddingMode, float[] verticalWeight, float[] horizontalWeight,
      float[] bias) {
    super("separable_conv2d", name, inChannels, outChannels, kernel, stride, padding, dilation, paddingMode,
        inChannels, groups, verticalWeight, horizontalWeight, bias);
  }

  @Override
  public String op() {
    return "separable_conv2d";
  }

  public int groups() {
    return vertical.groups();
  }

  @Override
  Conv[] stages() {
    return new Conv[] {vertical, horizontal};
  }
}
