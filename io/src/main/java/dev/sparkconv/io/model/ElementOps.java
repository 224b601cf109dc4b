package dev.sparkconv.io.model;

import dev.sparkconv.nn.Clip;
import dev.sparkconv.nn.Elu;
import dev.sparkconv.nn.Gelu;
import dev.sparkconv.nn.HardSigmoid;
import dev.sparkconv.nn.HardSwish;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LeakyRelu;
import dev.sparkconv.nn.PRelu;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.Sigmoid;
import dev.sparkconv.nn.Silu;
import dev.sparkconv.nn.Softmax;
import dev.sparkconv.nn.Tanh;

/** Builders of the activations and of softmax / log-softmax. Defaults are PyTorch's. */
final class ElementOps {
  private ElementOps() {}

  static Layer relu(LayerSpec s) {
    return new Relu(s.allow().name());
  }

  static Layer relu6(LayerSpec s) {
    return Clip.relu6(s.allow().name());
  }

  /** clip: min and max, either optional (one-sided), not both. */
  static Layer clip(LayerSpec s) {
    s.allow("min", "max");
    if (!s.has("min") && !s.has("max")) {
      throw s.error("needs field 'min', field 'max' or both");
    }
    return new Clip(s.name(), (float) s.number("min", Double.NEGATIVE_INFINITY),
        (float) s.number("max", Double.POSITIVE_INFINITY));
  }

  static Layer leakyRelu(LayerSpec s) {
    s.allow("negative_slope");
    return new LeakyRelu(s.name(), (float) s.number("negative_slope", 0.01));
  }

  /** prelu: num_parameters 1 (one slope) or C (per channel, the input's first axis); tensor "weight". */
  static Layer prelu(LayerSpec s) {
    s.allow("num_parameters");
    int count = s.integer("num_parameters", 1);
    int channels = s.inputShape().length == 0 ? 1 : s.inputShape()[0];
    if (count != 1 && count != channels) {
      throw s.error("field 'num_parameters' must be 1 or the " + channels + " input channels but is " + count);
    }
    return new PRelu(s.name(), s.constantWeight("weight", count, 0.25f));
  }

  static Layer elu(LayerSpec s) {
    s.allow("alpha");
    return new Elu(s.name(), (float) s.number("alpha", 1.0));
  }

  static Layer sigmoid(LayerSpec s) {
    return new Sigmoid(s.allow().name());
  }

  static Layer tanh(LayerSpec s) {
    return new Tanh(s.allow().name());
  }

  static Layer hardSigmoid(LayerSpec s) {
    return new HardSigmoid(s.allow().name());
  }

  static Layer hardSwish(LayerSpec s) {
    return new HardSwish(s.allow().name());
  }

  static Layer silu(LayerSpec s) {
    return new Silu(s.allow().name());
  }

  static Layer sqrt(LayerSpec s) {
    return new dev.sparkconv.nn.Sqrt(s.allow().name());
  }

  /** triangle: max(0, mean over channels - x), Coates et al.'s encoder on centroid distances. */
  static Layer triangle(LayerSpec s) {
    return new dev.sparkconv.nn.Triangle(s.allow().name());
  }

  /** gelu: approximate "none" (exact, erf) or "tanh". */
  static Layer gelu(LayerSpec s) {
    s.allow("approximate");
    String approximate = s.text("approximate", "none");
    if (!approximate.equals("none") && !approximate.equals("tanh")) {
      throw s.error("field 'approximate' must be \"none\" or \"tanh\" but is \"" + approximate + "\"");
    }
    return new Gelu(s.name(), approximate.equals("tanh"));
  }

  /** softmax: axis within the sample, negative from the end; -1 (the last) by default. */
  static Layer softmax(LayerSpec s) {
    s.allow("axis");
    return new Softmax(s.name(), s.integer("axis", -1), false);
  }

  static Layer logSoftmax(LayerSpec s) {
    s.allow("axis");
    return new Softmax(s.name(), s.integer("axis", -1), true);
  }
}
