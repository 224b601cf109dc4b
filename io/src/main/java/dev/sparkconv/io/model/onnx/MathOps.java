package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.BinaryMath;
import dev.sparkconv.nn.ConstantArithmetic;
import dev.sparkconv.nn.UnaryMath;
import java.util.Locale;
import java.util.Map;

/**
 * Elementwise math on computed tensors (see {@link OnnxOps}): the unary functions, Pow, the variadic Max / Min /
 * Mean and the comparisons. Between two computed tensors a {@link BinaryMath} join (equal ranks, size-1 axes
 * broadcast); with a constant a {@link ConstantArithmetic} layer. Constant-only nodes never get here: they fold.
 */
final class MathOps {
  private MathOps() {}

  static void register(Map<String, OnnxOps.Converter> ops) {
    for (UnaryMath.Kind k : UnaryMath.Kind.values()) {
      String op = k == UnaryMath.Kind.RECIPROCAL ? "Reciprocal"
          : k.name().charAt(0) + k.name().substring(1).toLowerCase(Locale.ROOT);
      ops.put(op, (n, g) -> OnnxOps.layer(n.allow(), g, new UnaryMath(g.name(n), k)));
    }
    ops.put("Pow", MathOps::pow);
    ops.put("Max", (n, g) -> variadic(n, g, BinaryMath.Kind.MAX, ConstantArithmetic.Kind.MAX));
    ops.put("Min", (n, g) -> variadic(n, g, BinaryMath.Kind.MIN, ConstantArithmetic.Kind.MIN));
    ops.put("Mean", MathOps::mean);
    ops.put("Equal", (n, g) -> compare(n, g, BinaryMath.Kind.EQUAL));
    ops.put("Less", (n, g) -> compare(n, g, BinaryMath.Kind.LESS));
    ops.put("Greater", (n, g) -> compare(n, g, BinaryMath.Kind.GREATER));
  }

  /** x ^ y of two computed tensors, or x ^ c; c ^ x is refused. */
  private static void pow(OnnxNode n, OnnxImporter g) {
    n.allow();
    if (!(g.input(n, 0) instanceof Dyn x)) {
      throw n.error("a constant base with a computed exponent is not supported");
    }
    Value e = g.input(n, 1);
    String name = g.name(n);
    if (e instanceof Dyn y) {
      g.define(n.outputs().get(0), g.emit(new BinaryMath(name, BinaryMath.Kind.POW), OnnxOps.sameRank(n, x, y)));
    } else {
      Const c = (Const) e;
      g.define(n.outputs().get(0), g.emit(new ConstantArithmetic(name, ConstantArithmetic.Kind.POW, c.floats(),
          OnnxOps.constantShape(n, x, c)), x));
    }
  }

  /**
   * Max / Min of one or more inputs: the computed ones in one join (one input: the identity), then the constants,
   * each a constant layer.
   */
  private static void variadic(OnnxNode n, OnnxImporter g, BinaryMath.Kind join, ConstantArithmetic.Kind constant) {
    n.allow();
    java.util.List<Dyn> computed = new java.util.ArrayList<>();
    java.util.List<Const> constants = new java.util.ArrayList<>();
    for (int k = 0; k < n.inputs().size(); k++) {
      Value v = g.input(n, k);
      if (v instanceof Dyn d) {
        computed.add(d);
      } else {
        constants.add((Const) v);
      }
    }
    String name = g.name(n);
    Dyn y = computed.size() == 1 ? computed.get(0) : g.emit(new BinaryMath(constants.isEmpty() ? name
        : g.unique(name + ".join"), join), OnnxOps.sameRank(n, computed.toArray(new Dyn[0])));
    for (int k = 0; k < constants.size(); k++) {
      Const c = constants.get(k);
      y = g.emit(new ConstantArithmetic(k == constants.size() - 1 ? name : g.unique(name + "." + k), constant,
          c.floats(), OnnxOps.constantShape(n, y, c)), y);
    }
    g.define(n.outputs().get(0), y);
  }

  /** The sum of the inputs times 1 / count; one input is the identity. */
  private static void mean(OnnxNode n, OnnxImporter g) {
    n.allow();
    Dyn[] in = new Dyn[n.inputs().size()];
    for (int k = 0; k < in.length; k++) {
      in[k] = g.dyn(n, k);
    }
    if (in.length == 1) {
      g.define(n.outputs().get(0), in[0]);
      return;
    }
    String name = g.name(n);
    Dyn sum = g.emit(new Add(g.unique(name + ".sum")), OnnxOps.sameRank(n, in));
    g.define(n.outputs().get(0), g.emit(new ConstantArithmetic(name, ConstantArithmetic.Kind.MUL,
        new float[] {1f / in.length}, new int[0]), sum));
  }

  /** A comparison, 1 or 0 (a boolean tensor as float): of two computed tensors, or of one and a constant. */
  private static void compare(OnnxNode n, OnnxImporter g, BinaryMath.Kind kind) {
    n.allow();
    Value a = g.input(n, 0);
    Value b = g.input(n, 1);
    String name = g.name(n);
    if (a instanceof Dyn x && b instanceof Dyn y) {
      g.define(n.outputs().get(0), g.emit(new BinaryMath(name, kind), OnnxOps.sameRank(n, x, y)));
      return;
    }
    boolean constantFirst = a instanceof Const; // c < x is x > c
    Dyn x = (Dyn) (constantFirst ? b : a);
    Const c = (Const) (constantFirst ? a : b);
    ConstantArithmetic.Kind k = switch (kind) {
      case LESS -> constantFirst ? ConstantArithmetic.Kind.GREATER : ConstantArithmetic.Kind.LESS;
      case GREATER -> constantFirst ? ConstantArithmetic.Kind.LESS : ConstantArithmetic.Kind.GREATER;
      default -> ConstantArithmetic.Kind.EQUAL;
    };
    g.define(n.outputs().get(0), g.emit(new ConstantArithmetic(name, k, c.floats(), OnnxOps.constantShape(n, x, c)),
        x));
  }
}
