package dev.sparkconv.io.model;

import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.GroupNorm;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LayerNorm;
import dev.sparkconv.nn.LocalResponseNorm;
import dev.sparkconv.nn.Reduce;
import dev.sparkconv.tensor.Shapes;

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

  /** layer_norm: normalized_shape (the trailing axes), eps (1e-5), affine (true); tensors weight and bias. */
  static Layer layerNorm(LayerSpec s) {
    s.allow("normalized_shape", "eps", "affine");
    int[] shape = s.intList("normalized_shape");
    int n = Shapes.size(shape);
    boolean affine = s.bool("affine", true);
    return new LayerNorm(s.name(), shape, (float) s.number("eps", 1e-5), affine ? s.constantWeight("weight", n, 1)
        : null, affine ? s.constantWeight("bias", n, 0) : null);
  }

  /** group_norm: groups, eps (1e-5), affine (true); tensors weight and bias, one per channel. */
  static Layer groupNorm(LayerSpec s) {
    s.allow("groups", "eps", "affine");
    return groups(s, s.integer("groups"));
  }

  /** instance_norm: group_norm with one group per channel; affine false by default, as nn.InstanceNorm2d. */
  static Layer instanceNorm(LayerSpec s) {
    s.allow("eps", "affine");
    if (s.inputShape().length < 1) {
      throw s.error("needs a (C, ...) input");
    }
    return groups(s, s.inputShape()[0]);
  }

  private static Layer groups(LayerSpec s, int groups) {
    if (s.inputShape().length < 1) {
      throw s.error("needs a (C, ...) input");
    }
    int c = s.inputShape()[0];
    boolean affine = s.bool("affine", !s.op().equals("instance_norm"));
    return new GroupNorm(s.name(), groups, c, (float) s.number("eps", 1e-5), affine ? s.constantWeight("weight", c, 1)
        : null, affine ? s.constantWeight("bias", c, 0) : null);
  }

  /** reduce: kind (mean, sum, max, min, l2), dims (sample axes, the batch not counted), keepdim (false). */
  static Layer reduce(LayerSpec s) {
    s.allow("kind", "dims", "keepdim");
    String kind = s.text("kind");
    Reduce.Kind k;
    try {
      k = Reduce.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw s.error("field 'kind' = '" + kind + "' is not one of mean, sum, max, min, l2");
    }
    int rank = s.inputShape().length;
    int[] dims = java.util.Arrays.stream(s.intList("dims")).map(d -> d < 0 ? d + rank : d).toArray();
    return new Reduce(s.name(), k, dims, s.bool("keepdim", false));
  }
}
