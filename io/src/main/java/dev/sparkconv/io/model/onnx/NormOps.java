package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.GroupNorm;
import dev.sparkconv.nn.LayerNorm;
import dev.sparkconv.nn.Reduce;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Map;

/** The normalizations and reductions (see {@link OnnxOps}). */
final class NormOps {
  private NormOps() {}

  static void register(Map<String, OnnxOps.Converter> ops) {
    ops.put("ReduceMean", (n, g) -> reduce(n, g, Reduce.Kind.MEAN));
    ops.put("ReduceSum", (n, g) -> reduce(n, g, Reduce.Kind.SUM));
    ops.put("ReduceMax", (n, g) -> reduce(n, g, Reduce.Kind.MAX));
    ops.put("ReduceMin", (n, g) -> reduce(n, g, Reduce.Kind.MIN));
    ops.put("ReduceL2", (n, g) -> reduce(n, g, Reduce.Kind.L2));
    ops.put("LayerNormalization", NormOps::layerNorm);
    ops.put("GroupNormalization", NormOps::groupNorm);
    ops.put("InstanceNormalization", NormOps::instanceNorm);
  }

  /**
   * Axes an attribute before opset 18 (ReduceSum: 13), an input since; none means every axis, which includes the
   * batch and is refused (as is noop_with_empty_axes). The mean over every spatial axis, kept, is global average
   * pooling.
   */
  private static void reduce(OnnxNode n, OnnxImporter g, Reduce.Kind kind) {
    boolean asInput = n.opset >= (kind == Reduce.Kind.SUM ? 13 : 18);
    if (asInput) {
      n.allow("keepdims", "noop_with_empty_axes");
      n.only("noop_with_empty_axes", n.i("noop_with_empty_axes", 0), 0L);
    } else {
      n.allow("axes", "keepdims");
    }
    Dyn x = g.dyn(n, 0);
    int[] axes = asInput ? (g.constant(n, 1) == null ? null
        : Arrays.stream(g.constant(n, 1).longs()).mapToInt(Math::toIntExact).toArray()) : n.ints("axes");
    if (axes == null || axes.length == 0) {
      throw n.error("reduces every axis, the batch too, which is not supported");
    }
    int[] sample = new int[axes.length];
    for (int k = 0; k < axes.length; k++) {
      sample[k] = OnnxOps.sampleAxis(n, axes[k], x.rank());
    }
    boolean keep = n.i("keepdims", 1) != 0;
    int[] sorted = Arrays.stream(sample).sorted().distinct().toArray();
    boolean allSpatial = x.rank() > 2 && sorted.length == x.rank() - 2 && sorted[0] == 1;
    String name = g.name(n);
    if (kind == Reduce.Kind.MEAN && allSpatial) { // a global average pool, which also runs on blocked tensors
      Dyn pooled = g.emit(new GlobalAvgPool(keep ? name : name + "/pool"), x);
      g.define(n.outputs().get(0), keep ? pooled : g.emit(new Flatten(name), pooled));
      return;
    }
    g.define(n.outputs().get(0), g.emit(new Reduce(name, kind, sorted, keep), x));
  }

  /**
   * Normalized over axes [axis, rank); Scale and B broadcast to those axes (expanded here to one value per
   * element); the Mean and InvStdDev outputs are refused.
   */
  private static void layerNorm(OnnxNode n, OnnxImporter g) {
    n.allow("axis", "epsilon", "stash_type");
    n.only("stash_type", n.i("stash_type", 1), 1L);
    Dyn x = g.dyn(n, 0);
    int axis = OnnxOps.sampleAxis(n, n.i("axis", -1), x.rank());
    int[] shape = Arrays.copyOfRange(x.sample(), axis, x.sample().length);
    float[] scale = expanded(n, g.requiredConstant(n, 1), shape, "Scale");
    float[] bias = g.constant(n, 2) == null ? null : expanded(n, g.constant(n, 2), shape, "B");
    OnnxOps.layer(n, g, new LayerNorm(g.name(n), shape, n.f("epsilon", 1e-5f), scale, bias));
  }

  /** A constant broadcast to {@code shape} (its trailing axes aligned), as a dense array. */
  static float[] expanded(OnnxNode n, Const c, int[] shape, String what) {
    int[] s = Folding.pad(c.shape(), Math.max(c.rank(), shape.length));
    int[] target = Folding.pad(shape, s.length);
    for (int d = 0; d < s.length; d++) {
      if (s[d] != 1 && s[d] != target[d] || d < s.length - shape.length && s[d] != 1) {
        throw n.error("input " + what + " of shape " + Shapes.format(c.shape()) + " does not broadcast to the "
            + "normalized shape " + Shapes.format(shape));
      }
    }
    float[] v = c.floats();
    float[] out = new float[Shapes.size(shape)];
    int[] index = new int[shape.length];
    for (int i = 0; i < out.length; i++) {
      int from = 0;
      for (int d = 0, off = s.length - shape.length; d < shape.length; d++) {
        from = from * s[d + off] + (s[d + off] == 1 ? 0 : index[d]);
      }
      out[i] = v[from];
      for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
        index[d] = 0;
      }
    }
    return out;
  }

  /** Opsets 18 to 20 give Scale and B per group, 21 per channel. */
  private static void groupNorm(OnnxNode n, OnnxImporter g) {
    n.allow("epsilon", "num_groups", "stash_type");
    n.only("stash_type", n.i("stash_type", 1), 1L);
    Dyn x = g.dyn(n, 0);
    int groups = (int) n.i("num_groups", 0);
    int channels = x.sample()[0];
    if (g.constant(n, 1) == null || g.constant(n, 2) == null) {
      throw n.error("needs inputs scale and bias");
    }
    float[] scale = g.constant(n, 1).floats();
    float[] bias = g.constant(n, 2).floats();
    if (n.opset < 21) {
      if (scale.length != groups || bias.length != groups || groups < 1 || channels % groups != 0) {
        throw n.error("Scale and B must hold one value per group (" + groups + ") before opset 21 but hold "
            + scale.length + " and " + bias.length);
      }
      scale = perChannel(scale, channels);
      bias = perChannel(bias, channels);
    }
    OnnxOps.layer(n, g, new GroupNorm(g.name(n), groups, channels, n.f("epsilon", 1e-5f), scale, bias));
  }

  private static float[] perChannel(float[] perGroup, int channels) {
    float[] out = new float[channels];
    for (int c = 0; c < channels; c++) {
      out[c] = perGroup[c / (channels / perGroup.length)];
    }
    return out;
  }

  private static void instanceNorm(OnnxNode n, OnnxImporter g) {
    n.allow("epsilon");
    Dyn x = g.dyn(n, 0);
    int channels = x.sample()[0];
    if (g.constant(n, 1) == null || g.constant(n, 2) == null) {
      throw n.error("needs inputs scale and B");
    }
    OnnxOps.layer(n, g, new GroupNorm(g.name(n), channels, channels, n.f("epsilon", 1e-5f),
        g.constant(n, 1).floats(), g.constant(n, 2).floats()));
  }
}
