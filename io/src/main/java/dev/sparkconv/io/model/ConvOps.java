package dev.sparkconv.io.model;

import dev.sparkconv.nn.ChannelShuffle;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ConvGeometry;
import dev.sparkconv.nn.FlattenedConv2d;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.PaddingMode;
import dev.sparkconv.nn.SeparableConv2d;
import dev.sparkconv.tensor.Shapes;

/**
 * Builders of the convolution family: conv1d / conv2d / conv3d, channel_shuffle, separable_conv2d and
 * flattened_conv2d. Input channels come from the running shape; weights are named as PyTorch's
 * state_dict names them ("weight", "bias"; "vertical.weight", ... for the blocks).
 */
final class ConvOps {
  private static final String[] INPUTS = {"", "(C, L)", "(C, H, W)", "(C, T, H, W)"};

  private ConvOps() {}

  static Layer conv(LayerSpec s, int rank) {
    s.allow("out_channels", "kernel", "stride", "padding", "padding_mode", "dilation", "groups", "bias", "flip");
    int inChannels = s.inputShape(rank + 1, INPUTS[rank])[0];
    int outChannels = positive(s, "out_channels", s.integer("out_channels"));
    int groups = groups(s, inChannels);
    int[] kernel = positive(s, "kernel", s.ints("kernel", rank));
    int[] stride = s.ints("stride", rank, 1);
    int[] dilation = s.ints("dilation", rank, 1);
    int fanIn = inChannels / groups * Shapes.size(kernel);
    return new Conv(s.name(), inChannels, outChannels, kernel, stride, padding(s, kernel, stride, dilation),
        dilation, groups, paddingMode(s), s.bool("flip", false), s.weight("weight", outChannels * fanIn, fanIn),
        s.bool("bias", true) ? s.weight("bias", outChannels, fanIn) : null);
  }

  static Layer channelShuffle(LayerSpec s) {
    s.allow("groups");
    return new ChannelShuffle(s.name(), s.integer("groups"));
  }

  /** Weights vertical.weight (out, in/groups, kH, 1), horizontal.weight (out, 1, 1, kW), horizontal.bias. */
  static Layer separable(LayerSpec s) {
    s.allow("out_channels", "kernel", "stride", "padding", "padding_mode", "dilation", "groups", "bias");
    int in = s.inputShape(3, INPUTS[2])[0];
    int out = positive(s, "out_channels", s.integer("out_channels"));
    int groups = groups(s, in);
    int[] kernel = positive(s, "kernel", s.ints("kernel", 2));
    int[] stride = s.ints("stride", 2, 1);
    int[] dilation = s.ints("dilation", 2, 1);
    int verticalFanIn = in / groups * kernel[0];
    return new SeparableConv2d(s.name(), in, out, kernel, stride, padding(s, kernel, stride, dilation), dilation,
        groups, paddingMode(s), s.weight("vertical.weight", out * verticalFanIn, verticalFanIn),
        s.weight("horizontal.weight", out * kernel[1], kernel[1]),
        s.bool("bias", true) ? s.weight("horizontal.bias", out, kernel[1]) : null);
  }

  /** Weights lateral.weight (out, in, 1, 1), vertical.weight (out, 1, kH, 1), horizontal.weight (out, 1, 1, kW), horizontal.bias. */
  static Layer flattened(LayerSpec s) {
    s.allow("out_channels", "kernel", "stride", "padding", "padding_mode", "dilation", "bias");
    int in = s.inputShape(3, INPUTS[2])[0];
    int out = positive(s, "out_channels", s.integer("out_channels"));
    int[] kernel = positive(s, "kernel", s.ints("kernel", 2));
    int[] stride = s.ints("stride", 2, 1);
    int[] dilation = s.ints("dilation", 2, 1);
    return new FlattenedConv2d(s.name(), in, out, kernel, stride, padding(s, kernel, stride, dilation), dilation,
        paddingMode(s), s.weight("lateral.weight", out * in, in), s.weight("vertical.weight", out * kernel[0], kernel[0]),
        s.weight("horizontal.weight", out * kernel[1], kernel[1]),
        s.bool("bias", true) ? s.weight("horizontal.bias", out, kernel[1]) : null);
  }

  /**
   * "padding": an integer (every side), one per axis (both sides), {begin..., end...} (2 * rank), or
   * 'valid' / 'same' / 'full', resolved by {@link ConvGeometry#namedPadding}. Default 0.
   */
  static int[] padding(LayerSpec s, int[] kernel, int[] stride, int[] dilation) {
    int rank = kernel.length;
    if (s.isText("padding")) {
      try {
        return ConvGeometry.namedPadding(s.text("padding"), kernel, stride, dilation);
      } catch (IllegalArgumentException e) {
        throw s.error("field 'padding' " + e.getMessage());
      }
    }
    if (s.isArray("padding")) {
      int[] p = s.intList("padding");
      if (p.length != rank && p.length != 2 * rank) {
        throw s.error("field 'padding' must be an integer, an array of " + rank + " (per axis) or " + 2 * rank
            + " ({begin..., end...}) integers, or 'valid', 'same' or 'full' but is " + Shapes.format(p));
      }
      return p;
    }
    return s.ints("padding", rank, 0);
  }

  static PaddingMode paddingMode(LayerSpec s) {
    try {
      return PaddingMode.of(s.text("padding_mode", "zeros"));
    } catch (IllegalArgumentException e) {
      throw s.error("field 'padding_mode' " + e.getMessage());
    }
  }

  private static int groups(LayerSpec s, int inChannels) {
    int groups = s.integer("groups", 1);
    if (groups < 1 || inChannels % groups != 0) {
      throw s.error("field 'groups' must divide the " + inChannels + " input channels but is " + groups);
    }
    return groups;
  }

  private static int positive(LayerSpec s, String field, int value) {
    if (value < 1) {
      throw s.error("field '" + field + "' must be positive but is " + value);
    }
    return value;
  }

  private static int[] positive(LayerSpec s, String field, int[] values) {
    for (int v : values) {
      if (v < 1) {
        throw s.error("field '" + field + "' must have positive entries but is " + Shapes.format(values));
      }
    }
    return values;
  }
}
