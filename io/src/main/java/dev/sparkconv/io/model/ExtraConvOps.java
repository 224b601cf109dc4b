package dev.sparkconv.io.model;

import dev.sparkconv.nn.ConvTranspose;
import dev.sparkconv.nn.DeformConv2d;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LocallyConnected2d;
import dev.sparkconv.nn.TiledConv2d;
import dev.sparkconv.tensor.Shapes;

/**
 * Builders of the convolutions beyond the plain one: transposed (1-3 D), deformable, locally
 * connected and tiled. Seeded weights use PyTorch's default bound 1/sqrt(fan_in), with fan_in as
 * PyTorch computes it from each weight's layout.
 */
final class ExtraConvOps {
  private ExtraConvOps() {}

  static Layer convTranspose1d(LayerSpec s) {
    return convTranspose(s, 1, "(C, L)");
  }

  static Layer convTranspose2d(LayerSpec s) {
    return convTranspose(s, 2, "(C, H, W)");
  }

  static Layer convTranspose3d(LayerSpec s) {
    return convTranspose(s, 3, "(C, T, H, W)");
  }

  /**
   * Fields: out_channels, kernel, stride (1), padding (0), output_padding (0), dilation (1), groups (1),
   * bias (true), output_size (absent: from output_padding). Weight (inC, outC/groups, k...).
   */
  private static Layer convTranspose(LayerSpec s, int rank, String what) {
    s.allow("out_channels", "kernel", "stride", "padding", "output_padding", "dilation", "groups", "bias",
        "output_size");
    int inChannels = s.inputShape(rank + 1, what)[0];
    int outChannels = atLeast(s, "out_channels", s.integer("out_channels"), 1);
    int groups = s.integer("groups", 1);
    int[] kernel = atLeast(s, "kernel", s.ints("kernel", rank), 1);
    if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
      throw s.error("field 'groups' must divide the " + inChannels + " input channels and out_channels "
          + outChannels + " but is " + groups);
    }
    int taps = 1;
    for (int k : kernel) {
      taps *= k;
    }
    // PyTorch's fan_in of a (inC, outC/groups, k...) weight is its size(1) times the taps.
    int fanIn = outChannels / groups * taps;
    return new ConvTranspose(s.name(), inChannels, outChannels, kernel, s.ints("stride", rank, 1),
        s.ints("padding", rank, 0), s.ints("output_padding", rank, 0), s.ints("dilation", rank, 1), groups,
        s.weight("weight", inChannels * fanIn, fanIn), s.bool("bias", true) ? s.weight("bias", outChannels, fanIn) : null,
        s.has("output_size") ? s.ints("output_size", rank) : null);
  }

  /**
   * Fields: out_channels, kernel, stride (1), padding (0), dilation (1), groups (1), offset_groups (1),
   * modulated (false: v1), bias (true). Tensors: weight, bias, offset_weight, offset_bias (the offset conv).
   */
  static Layer deformConv2d(LayerSpec s) {
    s.allow("out_channels", "kernel", "stride", "padding", "dilation", "groups", "offset_groups", "modulated",
        "bias");
    int inChannels = s.inputShape(3, "(C, H, W)")[0];
    int outChannels = atLeast(s, "out_channels", s.integer("out_channels"), 1);
    int groups = s.integer("groups", 1);
    int offsetGroups = s.integer("offset_groups", 1);
    boolean modulated = s.bool("modulated", false);
    int[] kernel = atLeast(s, "kernel", s.ints("kernel", 2), 1);
    if (groups < 1 || inChannels % groups != 0) {
      throw s.error("field 'groups' must divide the " + inChannels + " input channels but is " + groups);
    }
    if (offsetGroups < 1 || inChannels % offsetGroups != 0) {
      throw s.error("field 'offset_groups' must divide the " + inChannels + " input channels but is "
          + offsetGroups);
    }
    int taps = kernel[0] * kernel[1];
    int fanIn = inChannels / groups * taps;
    int offsetChannels = (modulated ? 3 : 2) * offsetGroups * taps;
    int offsetFanIn = inChannels * taps;
    return new DeformConv2d(s.name(), inChannels, outChannels, kernel, s.ints("stride", 2, 1),
        s.ints("padding", 2, 0), s.ints("dilation", 2, 1), groups, offsetGroups, modulated,
        s.weight("weight", outChannels * fanIn, fanIn), s.bool("bias", true) ? s.weight("bias", outChannels, fanIn) : null,
        s.weight("offset_weight", offsetChannels * offsetFanIn, offsetFanIn),
        s.weight("offset_bias", offsetChannels, offsetFanIn));
  }

  /**
   * Fields: out_channels, kernel, stride (1), padding (0), dilation (1), bias (true). Weight
   * (outH, outW, outC, inC, kH, kW), bias (outC, outH, outW); the layer takes only the spec's input size.
   */
  static Layer locallyConnected2d(LayerSpec s) {
    s.allow("out_channels", "kernel", "stride", "padding", "dilation", "bias");
    int[] in = s.inputShape(3, "(C, H, W)");
    int outChannels = atLeast(s, "out_channels", s.integer("out_channels"), 1);
    int[] kernel = atLeast(s, "kernel", s.ints("kernel", 2), 1);
    int[] stride = atLeast(s, "stride", s.ints("stride", 2, 1), 1);
    int[] padding = atLeast(s, "padding", s.ints("padding", 2, 0), 0);
    int[] dilation = atLeast(s, "dilation", s.ints("dilation", 2, 1), 1);
    int[] out = new int[2];
    for (int a = 0; a < 2; a++) {
      long span = (long) in[a + 1] + 2L * padding[a] - (long) dilation[a] * (kernel[a] - 1) - 1;
      if (span < 0) {
        throw s.error("gets input " + Shapes.format(in) + ", smaller than its window (kernel "
            + Shapes.format(kernel) + ", padding " + Shapes.format(padding)
            + ", dilation " + Shapes.format(dilation) + ")");
      }
      out[a] = (int) (span / stride[a] + 1);
    }
    int fanIn = in[0] * kernel[0] * kernel[1];
    int positions = out[0] * out[1];
    return new LocallyConnected2d(s.name(), in[0], outChannels, new int[] {in[1], in[2]}, kernel, stride, padding,
        dilation, s.weight("weight", positions * outChannels * fanIn, fanIn),
        s.bool("bias", true) ? s.weight("bias", outChannels * positions, fanIn) : null);
  }

  /**
   * Fields: out_channels, kernel, tile, stride (1), padding (0), dilation (1), bias (true). Weight
   * (tH, tW, outC, inC, kH, kW), bias (outC, tH, tW).
   */
  static Layer tiledConv2d(LayerSpec s) {
    s.allow("out_channels", "kernel", "tile", "stride", "padding", "dilation", "bias");
    int inChannels = s.inputShape(3, "(C, H, W)")[0];
    int outChannels = atLeast(s, "out_channels", s.integer("out_channels"), 1);
    int[] kernel = atLeast(s, "kernel", s.ints("kernel", 2), 1);
    int[] tile = atLeast(s, "tile", s.ints("tile", 2), 1);
    int fanIn = inChannels * kernel[0] * kernel[1];
    int tiles = tile[0] * tile[1];
    return new TiledConv2d(s.name(), inChannels, outChannels, kernel, s.ints("stride", 2, 1), s.ints("padding", 2, 0),
        s.ints("dilation", 2, 1), tile, s.weight("weight", tiles * outChannels * fanIn, fanIn),
        s.bool("bias", true) ? s.weight("bias", outChannels * tiles, fanIn) : null);
  }

  /** Checked before any weight count is formed from it; the operator constructors check the rest. */
  private static int[] atLeast(LayerSpec s, String field, int[] values, int min) {
    for (int v : values) {
      if (v < min) {
        throw s.error("field '" + field + "' must have entries >= " + min + " but is " + Shapes.format(values));
      }
    }
    return values;
  }

  private static int atLeast(LayerSpec s, String field, int value, int min) {
    if (value < min) {
      throw s.error("field '" + field + "' must be >= " + min + " but is " + value);
    }
    return value;
  }
}
