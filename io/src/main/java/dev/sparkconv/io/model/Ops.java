package dev.sparkconv.io.model;

import dev.sparkconv.nn.Layer;
import java.util.Map;
import java.util.TreeMap;

/** The op registry: every op name a model spec may use, and its builder. */
public final class Ops {
  private static final Map<String, OpBuilder> BUILDERS = new TreeMap<>();

  static {
    BUILDERS.put("conv2d", CoreOps::conv2d);
    BUILDERS.put("linear", CoreOps::linear);
    BUILDERS.put("maxpool1d", PoolOps::maxpool1d);
    BUILDERS.put("maxpool2d", PoolOps::maxpool2d);
    BUILDERS.put("maxpool3d", PoolOps::maxpool3d);
    BUILDERS.put("avgpool1d", PoolOps::avgpool1d);
    BUILDERS.put("avgpool2d", PoolOps::avgpool2d);
    BUILDERS.put("avgpool3d", PoolOps::avgpool3d);
    BUILDERS.put("global_avgpool", PoolOps::globalAvgpool);
    BUILDERS.put("global_maxpool", PoolOps::globalMaxpool);
    BUILDERS.put("adaptive_avgpool", PoolOps::adaptiveAvgpool);
    BUILDERS.put("adaptive_maxpool", PoolOps::adaptiveMaxpool);
    BUILDERS.put("mixed_pool", PoolOps::mixedPool);
    BUILDERS.put("spp", PoolOps::spp);
    BUILDERS.put("lp_pool", PoolOps::lpPool);
    BUILDERS.put("relu", ElementOps::relu);
    BUILDERS.put("relu6", ElementOps::relu6);
    BUILDERS.put("clip", ElementOps::clip);
    BUILDERS.put("leaky_relu", ElementOps::leakyRelu);
    BUILDERS.put("prelu", ElementOps::prelu);
    BUILDERS.put("elu", ElementOps::elu);
    BUILDERS.put("sigmoid", ElementOps::sigmoid);
    BUILDERS.put("tanh", ElementOps::tanh);
    BUILDERS.put("hard_sigmoid", ElementOps::hardSigmoid);
    BUILDERS.put("hard_swish", ElementOps::hardSwish);
    BUILDERS.put("silu", ElementOps::silu);
    BUILDERS.put("gelu", ElementOps::gelu);
    BUILDERS.put("softmax", ElementOps::softmax);
    BUILDERS.put("log_softmax", ElementOps::logSoftmax);
    BUILDERS.put("flatten", ShapeOps::flatten);
    BUILDERS.put("reshape", ShapeOps::reshape);
    BUILDERS.put("permute", ShapeOps::permute);
    BUILDERS.put("pad", ShapeOps::pad);
    BUILDERS.put("slice", ShapeOps::slice);
    BUILDERS.put("dropout", ShapeOps::dropout);
    BUILDERS.put("upsample", ShapeOps::upsample);
    BUILDERS.put("batch_norm", NormOps::batchNorm);
    BUILDERS.put("lrn", NormOps::lrn);
  }

  private Ops() {}

  public static java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(BUILDERS.keySet());
  }

  /** Builds one layer; an unknown op or a bad parameter is a {@link ModelFormatException} naming the layer. */
  public static Layer build(LayerSpec spec) {
    OpBuilder builder = BUILDERS.get(spec.op());
    if (builder == null) {
      throw spec.error("has unknown op '" + spec.op() + "' (known: " + String.join(", ", BUILDERS.keySet()) + ")");
    }
    try {
      return builder.build(spec);
    } catch (ModelFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) { // operator constructors name the parameter
      throw spec.error("is invalid: " + e.getMessage());
    }
  }
}
