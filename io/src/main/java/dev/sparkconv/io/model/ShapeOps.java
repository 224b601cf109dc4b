package dev.sparkconv.io.model;

import dev.sparkconv.nn.Dropout;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Pad;
import dev.sparkconv.nn.Permute;
import dev.sparkconv.nn.Reshape;
import dev.sparkconv.nn.Slice;
import dev.sparkconv.nn.Upsample;

/**
 * Builders of the shape ops. Axes count within the sample (the batch is not an axis; PyTorch's
 * dim d is axis d - 1), negative from the end.
 */
final class ShapeOps {
  private ShapeOps() {}

  static Layer flatten(LayerSpec s) {
    s.allow("start_axis", "end_axis");
    return new Flatten(s.name(), s.integer("start_axis", 0), s.integer("end_axis", -1));
  }

  static Layer reshape(LayerSpec s) {
    s.allow("shape");
    return new Reshape(s.name(), s.intList("shape"));
  }

  static Layer permute(LayerSpec s) {
    s.allow("axes");
    return new Permute(s.name(), s.intList("axes"));
  }

  /** pad: pads as F.pad's (begin, end) pairs from the last axis, mode (constant), value (0). */
  static Layer pad(LayerSpec s) {
    s.allow("pads", "mode", "value");
    String mode = s.text("mode", "constant");
    if (!mode.equals("constant") && s.has("value")) {
      throw s.error("field 'value' applies to constant mode only, not " + mode);
    }
    return new Pad(s.name(), s.intList("pads"), mode, (float) s.number("value", 0));
  }

  static Layer slice(LayerSpec s) {
    s.allow("axis", "start", "end", "step");
    return new Slice(s.name(), s.integer("axis"), s.integer("start", 0), s.integer("end", Integer.MAX_VALUE),
        s.integer("step", 1));
  }

  static Layer dropout(LayerSpec s) {
    s.allow("p");
    return new Dropout(s.name(), (float) s.number("p", 0.5));
  }

  /**
   * upsample: mode (nearest, bilinear, bicubic), size or scale (one per spatial axis, or one for all),
   * align_corners (bilinear, bicubic).
   */
  static Layer upsample(LayerSpec s) {
    s.allow("mode", "size", "scale", "align_corners");
    int rank = PoolOps.spatialRank(s);
    if (s.has("size") == s.has("scale")) {
      throw s.error("needs exactly one of field 'size' and field 'scale'");
    }
    String mode = s.text("mode", "nearest");
    if (s.has("align_corners") && !mode.equals("bilinear") && !mode.equals("bicubic")) {
      throw s.error("field 'align_corners' applies to bilinear and bicubic modes only, not " + mode);
    }
    return new Upsample(s.name(), mode, s.has("size") ? s.ints("size", rank) : null,
        s.has("scale") ? s.numbers("scale", rank) : null, s.bool("align_corners", false));
  }
}
