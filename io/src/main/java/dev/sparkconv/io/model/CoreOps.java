package dev.sparkconv.io.model;

import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Linear;

/** Builder of the fully connected op (convolutions: {@link ConvOps}, pooling: {@link PoolOps}). */
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
}
