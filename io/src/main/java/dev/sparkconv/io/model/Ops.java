package dev.sparkconv.io.model;

import dev.sparkconv.nn.Join;
import dev.sparkconv.nn.Layer;
import java.util.Map;
import java.util.TreeMap;

/** The op registry: every op name a model spec may use, and its builder. */
public final class Ops {
  private static final Map<String, OpBuilder> BUILDERS = new TreeMap<>();
  /** Ops that read several tensors (a spec entry's "inputs"). */
  private static final Map<String, JoinBuilder> JOINS = new TreeMap<>();

  static {
    BUILDERS.put("conv1d", s -> ConvOps.conv(s, 1));
    BUILDERS.put("conv2d", s -> ConvOps.conv(s, 2));
    BUILDERS.put("conv3d", s -> ConvOps.conv(s, 3));
    BUILDERS.put("channel_shuffle", ConvOps::channelShuffle);
    BUILDERS.put("separable_conv2d", ConvOps::separable);
    BUILDERS.put("flattened_conv2d", ConvOps::flattened);
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
    BUILDERS.put("sqrt", ElementOps::sqrt);
    BUILDERS.put("triangle", ElementOps::triangle);
    BUILDERS.put("patch_norm2d", NormOps::patchNorm2d);
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
    BUILDERS.put("layer_norm", NormOps::layerNorm);
    BUILDERS.put("group_norm", NormOps::groupNorm);
    BUILDERS.put("instance_norm", NormOps::instanceNorm);
    BUILDERS.put("reduce", NormOps::reduce);
    BUILDERS.put("conv_transpose1d", ExtraConvOps::convTranspose1d);
    BUILDERS.put("conv_transpose2d", ExtraConvOps::convTranspose2d);
    BUILDERS.put("conv_transpose3d", ExtraConvOps::convTranspose3d);
    BUILDERS.put("deform_conv2d", ExtraConvOps::deformConv2d);
    BUILDERS.put("locally_connected2d", ExtraConvOps::locallyConnected2d);
    BUILDERS.put("tiled_conv2d", ExtraConvOps::tiledConv2d);
  }

  static {
    BUILDERS.put("split", GraphOps::split);
    JOINS.put("add", GraphOps::add);
    JOINS.put("sub", GraphOps::sub);
    JOINS.put("mul", GraphOps::mul);
    JOINS.put("concat", GraphOps::concat);
  }

  private Ops() {}

  public static java.util.Set<String> names() {
    java.util.Set<String> names = new java.util.TreeSet<>(BUILDERS.keySet());
    names.addAll(JOINS.keySet());
    return java.util.Collections.unmodifiableSet(names);
  }

  /** Whether {@code op} reads several tensors, so that {@link #buildJoin} builds it. */
  public static boolean isJoin(String op) {
    return JOINS.containsKey(op);
  }

  /** Builds one layer; an unknown op or a bad parameter is a {@link ModelFormatException} naming the layer. */
  public static Layer build(LayerSpec spec) {
    OpBuilder builder = BUILDERS.get(spec.op());
    if (builder == null) {
      throw spec.error(isJoin(spec.op()) ? "is a join of several inputs, not a single-input layer"
          : "has unknown op '" + spec.op() + "' (known: " + String.join(", ", names()) + ")");
    }
    try {
      return builder.build(spec);
    } catch (ModelFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) { // operator constructors name the parameter
      throw spec.error("is invalid: " + e.getMessage());
    }
  }

  /** Builds one join, with the same errors as {@link #build}. */
  public static Join buildJoin(LayerSpec spec) {
    JoinBuilder builder = JOINS.get(spec.op());
    if (builder == null) {
      throw spec.error(BUILDERS.containsKey(spec.op()) ? "is a single-input layer, not a join"
          : "has unknown op '" + spec.op() + "' (known: " + String.join(", ", names()) + ")");
    }
    try {
      return builder.build(spec);
    } catch (ModelFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw spec.error("is invalid: " + e.getMessage());
    }
  }
}
