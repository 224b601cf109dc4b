package dev.sparkconv.io.model;

import dev.sparkconv.nn.Conv2d;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Linear;

/** Builders of the convolution and fully connected ops. */
final class CoreOps {
  private CoreOps() {}

  static Layer conv2d(LayerSpec s) {
    s.allow("out_channels", "kernel", "stride", "padding", "dilation", "groups", "bias");
    int inChannels = s.inputShape(3, "(C, H, W)")[0];
    int outChannels = s.integer("out_channels");
    int groups = s.integer("groups", 1);
    int[] kernel = s.ints("kernel", 2);
    if (groups < 1 || inChannels % groups != 0) {
      throw s.error("field 'groups' must divide the " + inChannels + " input channels but is " + groups);
    }
    int fanIn = inChannels / groups * kernel[0] * kernel[1];
    return new Conv2d(s.name(), inChannels, outChannels, kernel, s.ints("stride", 2, 1), s.ints("padding", 2, 0),
        s.ints("dilation", 2, 1), groups, s.weight("weight", outChannels * fanIn, fanIn),
        s.bool("bias", true) ? s.weight("bias", outChannels, fanIn) : null);
  }

  static Layer linear(LayerSpec s) {
    s.allow("out_features", "bias");
    if (s.inputShape().length != 1) {
      throw s.error("needs a flat (F) input but gets " + dev.sparkconv.tensor.Shapes.format(s.inputShape())
          + "; add a flatten layer before it");
    }
    int in = s.inputShape()[0];
    int out = s.integer("out_features");
    return new Linear(s.name(), in, out, s.weight("weight", out * in, in),
        s.bool("bias", true) ? s.weight("bias", out, in) : null);
  }
}
