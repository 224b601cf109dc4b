package dev.sparkconv.io.model;

import dev.sparkconv.nn.AvgPool2d;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.MaxPool2d;

/** Builders of the pooling and fully connected ops (convolutions: {@link ConvOps}). */
final class CoreOps {
  private CoreOps() {}

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

  static Layer maxpool2d(LayerSpec s) {
    s.allow("kernel", "stride", "padding", "ceil_mode");
    int[] kernel = s.ints("kernel", 2);
    return new MaxPool2d(s.name(), kernel, s.has("stride") ? s.ints("stride", 2) : kernel, s.ints("padding", 2, 0),
        s.bool("ceil_mode", false));
  }

  static Layer avgpool2d(LayerSpec s) {
    s.allow("kernel", "stride", "padding", "ceil_mode", "count_include_pad");
    int[] kernel = s.ints("kernel", 2);
    return new AvgPool2d(s.name(), kernel, s.has("stride") ? s.ints("stride", 2) : kernel, s.ints("padding", 2, 0),
        s.bool("ceil_mode", false), s.bool("count_include_pad", true));
  }
}
