package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.ConstantArithmetic;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.LayerNorm;
import dev.sparkconv.nn.Node;
import dev.sparkconv.nn.Reduce;
import dev.sparkconv.nn.Sub;
import dev.sparkconv.nn.UnaryMath;
import java.util.Arrays;

/**
 * torch.onnx writes nn.LayerNorm before opset 17 as nine nodes: d = x - ReduceMean(x), d / Sqrt(ReduceMean(d ^ 2)
 * + eps), then Mul by the weight and Add of the bias. Nine passes over the tensor (two of them reductions) become one
 * {@link LayerNorm} here; the nodes it replaces are left unread and dropped when the network is built.
 */
final class LayerNormFusion {
  private LayerNormFusion() {}

  /** The Div of {@code d} by {@code std} as a LayerNorm when they are that pattern; false leaves it a division. */
  static boolean fuseDivision(OnnxNode n, OnnxImporter g, Dyn d, Dyn std) {
    Node sub = g.producer(d);
    Node sqrt = g.producer(std);
    if (sub == null || !(sub.join() instanceof Sub) || sqrt == null || !(sqrt.layer() instanceof UnaryMath u)
        || u.kind() != UnaryMath.Kind.SQRT) {
      return false;
    }
    Node add = g.node(sqrt.inputs()[0]);
    Node variance = add == null ? null : g.node(add.inputs()[0]);
    Node square = variance == null ? null : g.node(variance.inputs()[0]);
    Node mean = g.node(sub.inputs()[1]);
    String x = sub.inputs()[0];
    int[] shape = d.sample();
    float[] eps = constant(add, ConstantArithmetic.Kind.ADD);
    float[] two = constant(square, ConstantArithmetic.Kind.POW);
    if (eps == null || eps.length != 1 || two == null || two.length != 1 || two[0] != 2
        || !square.inputs()[0].equals(d.node()) || firstAxis(mean, shape) < 0
        || firstAxis(mean, shape) != firstAxis(variance, shape) || !mean.inputs()[0].equals(x)) {
      return false;
    }
    int first = firstAxis(mean, shape);
    int[] normalized = Arrays.copyOfRange(shape, first, shape.length);
    g.define(n.outputs().get(0), g.emit(new LayerNorm(g.name(n), normalized, eps[0], null, null),
        new Dyn(x, shape)));
    return true;
  }

  /**
   * x * c or x + c (c as the constant layer would apply it) right after a LayerNorm nothing else reads, c spanning
   * its normalized axes: its weight or bias.
   */
  static boolean fuseAffine(OnnxNode n, OnnxImporter g, Dyn x, Const c, ConstantArithmetic.Kind kind) {
    Node producer = g.producer(x);
    if (producer == null || !(producer.layer() instanceof LayerNorm ln) || g.readers(n.input(0))
        + g.readers(n.input(1)) > 2 || c.rank() > ln.normalizedShape().length
        || kind == ConstantArithmetic.Kind.MUL && ln.bias() != null
        || kind != ConstantArithmetic.Kind.MUL && kind != ConstantArithmetic.Kind.ADD) {
      return false;
    }
    float[] v;
    try {
      v = NormOps.expanded(n, c, ln.normalizedShape(), "constant");
    } catch (RuntimeException e) { // does not broadcast to the normalized axes alone: an ordinary layer
      return false;
    }
    float[] weight = ln.weight();
    float[] bias = ln.bias();
    if (kind == ConstantArithmetic.Kind.MUL) {
      weight = times(weight, v);
    } else {
      bias = bias == null ? v : plus(bias, v);
    }
    LayerNorm fused = new LayerNorm(ln.name(), ln.normalizedShape(), ln.eps(), weight, bias);
    g.replace(producer, Node.of(fused, producer.inputs()[0]));
    g.define(n.outputs().get(0), x);
    return true;
  }

  private static float[] times(float[] w, float[] v) {
    if (w == null) {
      return v;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] *= w[i];
    }
    return v;
  }

  private static float[] plus(float[] b, float[] v) {
    for (int i = 0; i < v.length; i++) {
      b[i] += v[i];
    }
    return b;
  }

  /** The constant of a constant layer of {@code kind} (one input), else null. */
  private static float[] constant(Node node, ConstantArithmetic.Kind kind) {
    return node != null && node.layer() instanceof ConstantArithmetic c && c.kind() == kind ? c.constant() : null;
  }

  /**
   * The first axis of a kept-dims mean over the trailing axes of {@code shape} (global average pooling is the mean
   * over every axis after the channels), or -1 when the node is none.
   */
  private static int firstAxis(Node node, int[] shape) {
    if (node != null && node.layer() instanceof GlobalAvgPool && shape.length >= 2) {
      return 1;
    }
    if (node == null || !(node.layer() instanceof Reduce r) || r.kind() != Reduce.Kind.MEAN || !r.keepDims()) {
      return -1;
    }
    int[] axes = r.axes();
    boolean trailing = axes[axes.length - 1] == shape.length - 1 && axes[axes.length - 1] - axes[0] == axes.length - 1;
    return trailing ? axes[0] : -1;
  }
}
