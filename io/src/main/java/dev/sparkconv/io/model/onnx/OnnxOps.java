package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.BinaryMath;
import dev.sparkconv.nn.Clip;
import dev.sparkconv.nn.ConstantArithmetic;
import dev.sparkconv.nn.Elu;
import dev.sparkconv.nn.Gelu;
import dev.sparkconv.nn.HardSigmoid;
import dev.sparkconv.nn.HardSwish;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LeakyRelu;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.Mul;
import dev.sparkconv.nn.Node;
import dev.sparkconv.nn.PRelu;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.Sigmoid;
import dev.sparkconv.nn.Softmax;
import dev.sparkconv.nn.Sub;
import dev.sparkconv.nn.Tanh;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * ONNX ops on computed tensors, as network nodes: activations and arithmetic here, shape ops in
 * {@link ShapeOps}, the convolution, pooling, dense and normalization family in {@link LayerOps}. ONNX axes count the
 * batch; ours do not (ONNX axis a is sample axis a - 1), and an op on the batch axis is refused.
 */
final class OnnxOps {
  interface Converter {
    void convert(OnnxNode n, OnnxImporter g);
  }

  private static final Map<String, Converter> OPS = new TreeMap<>();

  static {
    unary("Relu", Relu::new);
    unary("Sigmoid", Sigmoid::new);
    unary("Tanh", Tanh::new);
    unary("HardSwish", HardSwish::new);
    unary("Erf", dev.sparkconv.nn.ErfLayer::new); // with the arithmetic around it: exact GELU as opsets < 20 export it
    OPS.put("LeakyRelu", (n, g) -> layer(n.allow("alpha"), g, new LeakyRelu(g.name(n), n.f("alpha", 0.01f))));
    OPS.put("Elu", (n, g) -> layer(n.allow("alpha"), g, new Elu(g.name(n), n.f("alpha", 1f))));
    OPS.put("Gelu", (n, g) -> layer(n.allow("approximate"), g, new Gelu(g.name(n), gelu(n))));
    OPS.put("HardSigmoid", OnnxOps::hardSigmoid);
    OPS.put("Clip", OnnxOps::clip);
    OPS.put("PRelu", OnnxOps::prelu);
    OPS.put("Softmax", (n, g) -> softmax(n, g, false));
    OPS.put("LogSoftmax", (n, g) -> softmax(n, g, true));
    OPS.put("Identity", (n, g) -> g.define(n.outputs().get(0), g.dyn(n.allow(), 0)));
    OPS.put("Dropout", OnnxOps::dropout);
    OPS.put("Cast", OnnxOps::cast);
    OPS.put("Add", OnnxOps::arithmetic);
    OPS.put("Sum", OnnxOps::sum);
    OPS.put("Sub", OnnxOps::arithmetic);
    OPS.put("Mul", OnnxOps::arithmetic);
    OPS.put("Div", OnnxOps::arithmetic);
    MathOps.register(OPS);
    NormOps.register(OPS);
    ShapeOps.register(OPS);
    LayerOps.register(OPS);
  }

  private OnnxOps() {}

  static void convert(OnnxNode n, OnnxImporter g) {
    Converter c = OPS.get(n.op);
    if (c == null) {
      throw n.error("unsupported op type '" + n.op + "' (supported: " + String.join(", ", OPS.keySet()) + ")");
    }
    c.convert(n, g);
  }

  private static void unary(String op, java.util.function.Function<String, Layer> make) {
    OPS.put(op, (n, g) -> layer(n.allow(), g, make.apply(g.name(n))));
  }

  /** Emits one layer reading input 0 as the node's (only) output. */
  static void layer(OnnxNode n, OnnxImporter g, Layer layer) {
    g.define(n.outputs().get(0), g.emit(layer, g.dyn(n, 0)));
    for (int k = 1; k < n.outputs().size(); k++) {
      if (!n.outputs().get(k).isEmpty()) {
        throw n.error("output #" + k + " '" + n.outputs().get(k) + "' is not supported (inference has one output)");
      }
    }
  }

  /** ONNX axis (the batch is axis 0) to a sample axis; the batch axis itself is refused. */
  static int sampleAxis(OnnxNode n, long axis, int rank) {
    int a = Folding.axis(axis, rank);
    if (a == 0) {
      throw n.error("acts on the batch axis (axis " + axis + "), which is not supported");
    }
    return a - 1;
  }

  static int[] batched(Dyn d) {
    int[] s = new int[d.rank()];
    s[0] = (int) Value.BATCH;
    System.arraycopy(d.sample(), 0, s, 1, d.sample().length);
    return s;
  }

  private static boolean gelu(OnnxNode n) {
    String a = n.s("approximate", "none");
    n.only("approximate", a, "none", "tanh");
    return a.equals("tanh");
  }

  /** max(0, min(1, alpha x + beta)): PyTorch's Hardsigmoid (1/6, 1/2) is one layer, other slopes three. */
  private static void hardSigmoid(OnnxNode n, OnnxImporter g) {
    n.allow("alpha", "beta");
    float alpha = n.f("alpha", 0.2f);
    float beta = n.f("beta", 0.5f);
    if (Math.abs(alpha - 1 / 6f) < 1e-7 && beta == 0.5f) {
      layer(n, g, new HardSigmoid(g.name(n)));
      return;
    }
    String name = g.name(n);
    Dyn x = g.emit(new ConstantArithmetic(g.unique(name + ".scale"), ConstantArithmetic.Kind.MUL,
        new float[] {alpha}, new int[0]), g.dyn(n, 0));
    x = g.emit(new ConstantArithmetic(g.unique(name + ".shift"), ConstantArithmetic.Kind.ADD, new float[] {beta},
        new int[0]), x);
    g.define(n.outputs().get(0), g.emit(new Clip(name, 0, 1), x));
  }

  /** Bounds are attributes before opset 11, optional constant inputs since. */
  private static void clip(OnnxNode n, OnnxImporter g) {
    float min = Float.NEGATIVE_INFINITY;
    float max = Float.POSITIVE_INFINITY;
    if (n.opset < 11) {
      n.allow("min", "max");
      min = n.f("min", min);
      max = n.f("max", max);
    } else {
      n.allow();
      min = g.constant(n, 1) == null ? min : (float) g.constant(n, 1).values()[0];
      max = g.constant(n, 2) == null ? max : (float) g.constant(n, 2).values()[0];
    }
    layer(n, g, new Clip(g.name(n), min, max));
  }

  /** The slope: one value, or one per channel (shape (C, 1, ...) after the batch). */
  private static void prelu(OnnxNode n, OnnxImporter g) {
    n.allow();
    Dyn x = g.dyn(n, 0);
    Const slope = g.constant(n, 1);
    int[] s = Folding.pad(slope.shape(), x.rank());
    int channels = x.sample()[0];
    boolean perChannel = s[0] == 1 && s[1] == channels && Shapes.size(s) == channels;
    if (slope.size() != 1 && !perChannel) {
      throw n.error("slope of shape " + Shapes.format(slope.shape()) + " is not supported (one value, or one per "
          + "channel)");
    }
    layer(n, g, new PRelu(g.name(n), slope.floats()));
  }

  /** Before opset 13 softmax flattens the axes from `axis` on: the same as ours only for the last axis. */
  private static void softmax(OnnxNode n, OnnxImporter g, boolean log) {
    n.allow("axis");
    Dyn x = g.dyn(n, 0);
    int axis = sampleAxis(n, n.i("axis", n.opset < 13 ? 1 : -1), x.rank());
    if (n.opset < 13 && axis != x.sample().length - 1) {
      throw n.error("attribute 'axis' = " + n.i("axis", 1) + " before opset 13 (softmax over the flattened trailing "
          + "axes) is supported only for the last axis");
    }
    layer(n, g, new Softmax(g.name(n), axis, log));
  }

  /**
   * A computed tensor is float32 (a comparison's 0 / 1 included): a Cast to float or double keeps every value;
   * to anything else (integers truncate, float16 rounds) it would change them, which is refused.
   */
  private static void cast(OnnxNode n, OnnxImporter g) {
    n.allow("to", "saturate");
    int to = (int) n.i("to", 0);
    if (to != ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE
        && to != ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE) {
      throw n.error("attribute 'to' = " + ai.onnx.proto.OnnxMl.TensorProto.DataType.forNumber(to) + " is not "
          + "supported on a computed tensor (float or double only)");
    }
    g.define(n.outputs().get(0), g.dyn(n, 0));
  }

  private static void dropout(OnnxNode n, OnnxImporter g) {
    n.allow("ratio", "seed", "is_test");
    if (n.opset >= 12 && g.constant(n, 2) != null && g.constant(n, 2).values()[0] != 0) {
      throw n.error("training_mode = true is not supported (inference only)");
    }
    g.define(n.outputs().get(0), g.dyn(n, 0));
  }

  /**
   * Two computed tensors: the add / sub / mul / div joins. A computed tensor and a constant: a constant
   * layer (x - c as x + (-c), x / c as x * (1/c), c / x as a reciprocal times c), or the bias of the Linear
   * right before it.
   */
  private static void arithmetic(OnnxNode n, OnnxImporter g) {
    n.allow();
    Value a = g.input(n, 0);
    Value b = g.input(n, 1);
    String name = g.name(n);
    if (a instanceof Dyn x && b instanceof Dyn y) {
      if (n.op.equals("Div") && LayerNormFusion.fuseDivision(n, g, x, y)) {
        return;
      }
      g.define(n.outputs().get(0), g.emit(switch (n.op) {
        case "Add" -> new Add(name);
        case "Sub" -> new Sub(name);
        case "Mul" -> new Mul(name);
        default -> new BinaryMath(name, BinaryMath.Kind.DIV);
      }, sameRank(n, x, y)));
      return;
    }
    boolean constantFirst = a instanceof Const;
    Dyn x = (Dyn) (constantFirst ? b : a);
    Const c = (Const) (constantFirst ? a : b);
    float[] v = c.floats();
    ConstantArithmetic.Kind kind = ConstantArithmetic.Kind.ADD;
    switch (n.op) {
      case "Mul" -> kind = ConstantArithmetic.Kind.MUL;
      case "Sub" -> {
        if (constantFirst) {
          kind = ConstantArithmetic.Kind.RSUB;
        } else {
          negate(v);
        }
      }
      case "Div" -> {
        kind = constantFirst ? ConstantArithmetic.Kind.RDIV : ConstantArithmetic.Kind.MUL;
        for (int i = 0; i < v.length && !constantFirst; i++) {
          v[i] = 1 / v[i];
        }
      }
      default -> { }
    }
    int[] shape = constantShape(n, x, c);
    if (kind == ConstantArithmetic.Kind.ADD && fuseBias(n, g, x, v, shape)
        || !constantFirst && !n.op.equals("Div")
        && LayerNormFusion.fuseAffine(n, g, x, Const.ofFloats(c.shape(), v), kind)) {
      return;
    }
    g.define(n.outputs().get(0), g.emit(new ConstantArithmetic(name, kind, v, shape), x));
  }

  /** Two computed tensors of one rank (their batch axes aligned); numpy's rank broadcasting would misalign it. */
  static Dyn[] sameRank(OnnxNode n, Dyn... in) {
    for (Dyn d : in) {
      if (d.rank() != in[0].rank()) {
        throw n.error("inputs of ranks " + in[0].rank() + " and " + d.rank() + " are not supported (equal ranks "
            + "only)");
      }
    }
    return in;
  }

  /** The per-sample shape of a constant broadcast against {@code x}; one that spans the batch axis is refused. */
  static int[] constantShape(OnnxNode n, Dyn x, Const c) {
    if (c.rank() > x.rank() || c.rank() == x.rank() && c.shape()[0] != 1) {
      throw n.error("constant of shape " + Shapes.format(c.shape()) + " would broadcast over the batch axis");
    }
    return c.rank() == x.rank() ? Arrays.copyOfRange(c.shape(), 1, c.rank()) : c.shape();
  }

  /** Sum of one or more computed tensors of one rank (broadcasting size-1 axes); one input is the identity. */
  private static void sum(OnnxNode n, OnnxImporter g) {
    n.allow();
    Dyn[] in = new Dyn[n.inputs().size()];
    for (int k = 0; k < in.length; k++) {
      in[k] = g.dyn(n, k);
    }
    g.define(n.outputs().get(0), in.length == 1 ? in[0] : g.emit(new Add(g.name(n)), sameRank(n, in)));
  }

  private static void negate(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = -v[i];
    }
  }

  /** MatMul then Add of a (F) vector: the Linear takes it as its bias when nothing else reads the MatMul. */
  private static boolean fuseBias(OnnxNode n, OnnxImporter g, Dyn x, float[] bias, int[] shape) {
    Node producer = g.producer(x);
    if (producer == null || !(producer.layer() instanceof Linear linear) || linear.bias() != null
        || g.readers(n.input(0)) + g.readers(n.input(1)) > 2 || shape.length > 1
        || Shapes.size(shape) != linear.outFeatures()) {
      return false;
    }
    g.replace(producer, Node.of(linear.withBias(bias), producer.inputs()[0]));
    g.define(n.outputs().get(0), x);
    return true;
  }

}
