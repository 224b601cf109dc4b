package dev.sparkconv.io.model;

import dev.sparkconv.nn.AdaptivePool;
import dev.sparkconv.nn.AvgPool;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.GlobalMaxPool;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LpPool;
import dev.sparkconv.nn.MaxPool;
import dev.sparkconv.nn.MixedPool;
import dev.sparkconv.nn.SpatialPyramidPool;
import dev.sparkconv.tensor.Shapes;

/**
 * Builders of the pooling ops. Sizes are an integer (every spatial axis) or one entry per spatial
 * axis; maxpool1d/2d/3d and avgpool1d/2d/3d take their rank from the op, the others from the input
 * ((C, L), (C, H, W) or (C, D, H, W)).
 */
final class PoolOps {
  private PoolOps() {}

  static Layer maxpool1d(LayerSpec s) {
    return maxpool(s, 1);
  }

  static Layer maxpool2d(LayerSpec s) {
    return maxpool(s, 2);
  }

  static Layer maxpool3d(LayerSpec s) {
    return maxpool(s, 3);
  }

  static Layer avgpool1d(LayerSpec s) {
    return avgpool(s, 1);
  }

  static Layer avgpool2d(LayerSpec s) {
    return avgpool(s, 2);
  }

  static Layer avgpool3d(LayerSpec s) {
    return avgpool(s, 3);
  }

  private static Layer maxpool(LayerSpec s, int rank) {
    s.allow("kernel", "stride", "padding", "dilation", "ceil_mode");
    int[] kernel = s.ints("kernel", rank);
    return new MaxPool(s.name(), kernel, stride(s, rank, kernel), s.ints("padding", rank, 0),
        s.ints("dilation", rank, 1), s.bool("ceil_mode", false));
  }

  private static Layer avgpool(LayerSpec s, int rank) {
    s.allow("kernel", "stride", "padding", "ceil_mode", "count_include_pad");
    int[] kernel = s.ints("kernel", rank);
    return new AvgPool(s.name(), kernel, stride(s, rank, kernel), s.ints("padding", rank, 0),
        s.bool("ceil_mode", false), s.bool("count_include_pad", true));
  }

  static Layer globalAvgpool(LayerSpec s) {
    return new GlobalAvgPool(s.allow().name());
  }

  static Layer globalMaxpool(LayerSpec s) {
    return new GlobalMaxPool(s.allow().name());
  }

  static Layer adaptiveAvgpool(LayerSpec s) {
    s.allow("output_size");
    return new AdaptivePool(s.name(), false, s.ints("output_size", spatialRank(s)));
  }

  static Layer adaptiveMaxpool(LayerSpec s) {
    s.allow("output_size");
    return new AdaptivePool(s.name(), true, s.ints("output_size", spatialRank(s)));
  }

  static Layer mixedPool(LayerSpec s) {
    s.allow("kernel", "stride", "padding", "lambda", "ceil_mode", "count_include_pad");
    int rank = spatialRank(s);
    int[] kernel = s.ints("kernel", rank);
    return new MixedPool(s.name(), kernel, stride(s, rank, kernel), s.ints("padding", rank, 0),
        s.bool("ceil_mode", false), s.bool("count_include_pad", true), (float) s.number("lambda"));
  }

  static Layer spp(LayerSpec s) {
    s.allow("levels", "mode");
    spatialRank(s);
    String mode = s.text("mode", "max");
    if (!mode.equals("max") && !mode.equals("avg")) {
      throw s.error("field 'mode' must be \"max\" or \"avg\" but is \"" + mode + "\"");
    }
    return new SpatialPyramidPool(s.name(), s.intList("levels"), mode.equals("max"));
  }

  static Layer lpPool(LayerSpec s) {
    s.allow("p", "kernel", "stride");
    int rank = spatialRank(s);
    int[] kernel = s.ints("kernel", rank);
    return new LpPool(s.name(), (float) s.number("p"), kernel, stride(s, rank, kernel));
  }

  /** The stride, the kernel by default as in PyTorch. */
  private static int[] stride(LayerSpec s, int rank, int[] kernel) {
    return s.has("stride") ? s.ints("stride", rank) : kernel;
  }

  /** Spatial axes of the input (C, spatial...), 1 to 3. */
  static int spatialRank(LayerSpec s) {
    int rank = s.inputShape().length - 1;
    if (rank < 1 || rank > 3) {
      throw s.error("needs a (C, L), (C, H, W) or (C, D, H, W) input but gets " + Shapes.format(s.inputShape()));
    }
    return rank;
  }
}
