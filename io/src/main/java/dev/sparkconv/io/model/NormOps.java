package dev.sparkconv.io.model;

import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LocalResponseNorm;

/** Builders of the normalization ops. Defaults are PyTorch's. */
final class NormOps {
  private NormOps() {}

  /**
   * batch_norm: eps (1e-5), affine (true); tensors weight and bias (when affine), running_mean,
   * running_var, one value per channel (the input's first axis). Seeded models start from PyTorch's
   * initial values (1, 0, 0, 1).
   */
  static Layer batchNorm(LayerSpec s) {
    s.allow("eps", "affine");
    if (s.inputShape().length < 1) {
      throw s.error("needs a (C, ...) input");
    }
    int c = s.inputShape()[0];
    boolean affine = s.bool("affine", true);
    return new BatchNorm(s.name(), affine ? s.constantWeight("weight", c, 1) : null,
        affine ? s.constantWeight("bias", c, 0) : null, s.constantWeight("running_mean", c, 0),
        s.constantWeight("running_var", c, 1), (float) s.number("eps", 1e-5));
  }

  /** lrn: size, alpha (1e-4), beta (0.75), k (1). */
  static Layer lrn(LayerSpec s) {
    s.allow("size", "alpha", "beta", "k");
    return new LocalResponseNorm(s.name(), s.integer("size"), (float) s.number("alpha", 1e-4),
        (float) s.number("beta", 0.75), (float) s.number("k", 1.0));
  }

  /** patch_norm2d: kernel, stride (1), eps (10, the paper's for 0..255 pixels). */
  static Layer patchNorm2d(LayerSpec s) {
    s.allow("kernel", "stride", "eps");
    return new dev.sparkconv.nn.PatchNorm2d(s.name(), s.ints("kernel", 2), s.ints("stride", 2, 1),
        (float) s.number("eps", 10));
  }
}
