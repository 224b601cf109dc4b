package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.Add;
import dev.sparkconv.nn.Clip;
import dev.sparkconv.nn.Concat;
import dev.sparkconv.nn.ConstantArithmetic;
import dev.sparkconv.nn.Elu;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.Gelu;
import dev.sparkconv.nn.HardSigmoid;
import dev.sparkconv.nn.HardSwish;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.LeakyRelu;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.Mul;
import dev.sparkconv.nn.Node;
import dev.sparkconv.nn.PRelu;
import dev.sparkconv.nn.Pad;
import dev.sparkconv.nn.Permute;
import dev.sparkconv.nn.Relu;
import dev.sparkconv.nn.Reshape;
import dev.sparkconv.nn.Sigmoid;
import dev.sparkconv.nn.Slice;
import dev.sparkconv.nn.Softmax;
import dev.sparkconv.nn.Split;
import dev.sparkconv.nn.Sub;
import dev.sparkconv.nn.Tanh;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * ONNX ops on computed tensors, as network nodes: activations, arithmetic, shape ops here; the
 * convolution, pooling, dense and normalization family in {@link LayerOps}. ONNX axes count the
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
    OPS.put("Add", OnnxOps::arithmetic);
    OPS.put("Sub", OnnxOps::arithmetic);
    OPS.put("Mul", OnnxOps::arithmetic);
    OPS.put("Div", OnnxOps::arithmetic);
    OPS.put("Concat", OnnxOps::concat);
    OPS.put("Flatten", OnnxOps::flatten);
    OPS.put("Reshape", OnnxOps::reshape);
    OPS.put("Squeeze", (n, g) -> reshapeTo(n, g, Folding.squeezed(n, batched(g.dyn(n, 0)), Folding.axes(n, g, 1))));
    OPS.put("Unsqueeze", (n, g) -> reshapeTo(n, g, Folding.unsqueezed(n, batched(g.dyn(n, 0)), Folding.axes(n, g, 1))));
    OPS.put("Transpose", OnnxOps::transpose);
    OPS.put("Pad", OnnxOps::pad);
    OPS.put("Slice", OnnxOps::slice);
    OPS.put("Split", OnnxOps::split);
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
    if (slope.values().length != 1 && !perChannel) {
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

  private static void dropout(OnnxNode n, OnnxImporter g) {
    n.allow("ratio", "seed", "is_test");
    if (n.opset >= 12 && g.constant(n, 2) != null && g.constant(n, 2).values()[0] != 0) {
      throw n.error("training_mode = true is not supported (inference only)");
    }
    g.define(n.outputs().get(0), g.dyn(n, 0));
  }

  /**
   * Two computed tensors: the add / sub / mul joins. A computed tensor and a constant: a constant
   * layer (x - c as x + (-c), x / c as x * (1/c)), or the bias of the Linear right before it.
   */
  private static void arithmetic(OnnxNode n, OnnxImporter g) {
    n.allow();
    Value a = g.input(n, 0);
    Value b = g.input(n, 1);
    String name = g.name(n);
    if (a instanceof Dyn x && b instanceof Dyn y) {
      if (x.rank() != y.rank()) {
        throw n.error("inputs of ranks " + x.rank() + " and " + y.rank() + " are not supported (equal ranks only)");
      }
      g.define(n.outputs().get(0), g.emit(switch (n.op) {
        case "Add" -> new Add(name);
        case "Sub" -> new Sub(name);
        case "Mul" -> new Mul(name);
        default -> throw n.error("division of two computed tensors is not supported");
      }, x, y));
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
        if (constantFirst) {
          throw n.error("a constant divided by a computed tensor is not supported");
        }
        kind = ConstantArithmetic.Kind.MUL;
        for (int i = 0; i < v.length; i++) {
          v[i] = 1 / v[i];
        }
      }
      default -> { }
    }
    if (c.rank() > x.rank() || c.rank() == x.rank() && c.shape()[0] != 1) {
      throw n.error("constant of shape " + Shapes.format(c.shape()) + " would broadcast over the batch axis");
    }
    int[] shape = c.rank() == x.rank() ? Arrays.copyOfRange(c.shape(), 1, c.rank()) : c.shape();
    if (kind == ConstantArithmetic.Kind.ADD && fuseBias(n, g, x, v, shape)) {
      return;
    }
    g.define(n.outputs().get(0), g.emit(new ConstantArithmetic(name, kind, v, shape), x));
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
        || Shapes.size(shape) != linear.outFeatures() || x.sample().length != 1) {
      return false;
    }
    Linear fused = new Linear(linear.name(), linear.inFeatures(), linear.outFeatures(), linear.weight(), bias);
    g.replace(producer, Node.of(fused, producer.inputs()[0]));
    g.define(n.outputs().get(0), x);
    return true;
  }

  private static void concat(OnnxNode n, OnnxImporter g) {
    n.allow("axis");
    Dyn[] in = new Dyn[n.inputs().size()];
    for (int k = 0; k < in.length; k++) {
      in[k] = g.dyn(n, k);
    }
    int axis = sampleAxis(n, n.i("axis", 0), in[0].rank());
    g.define(n.outputs().get(0), g.emit(new Concat(g.name(n), axis), in));
  }

  /** Only axis 1 keeps the batch axis apart: (N, C, H, W) to (N, C*H*W). */
  private static void flatten(OnnxNode n, OnnxImporter g) {
    n.allow("axis");
    Dyn x = g.dyn(n, 0);
    long axis = n.i("axis", 1);
    if (Folding.axis(axis, x.rank() + 1) != 1) {
      throw n.error("attribute 'axis' = " + axis + " is not supported (only 1: the batch axis stays apart)");
    }
    if (x.sample().length == 1) {
      g.define(n.outputs().get(0), x);
    } else {
      layer(n, g, new Flatten(g.name(n)));
    }
  }

  /** The target's first entry must stand for the batch: the batch itself (folded Shape), 0 or -1. */
  private static void reshape(OnnxNode n, OnnxImporter g) {
    n.allow("allowzero");
    Dyn x = g.dyn(n, 0);
    long[] t = g.constant(n, 1).longs();
    if (t.length == 0 || (t[0] != Value.BATCH && t[0] != 0 && t[0] != -1 && t[0] != g.declaredBatch)) {
      throw n.error("target shape " + Arrays.toString(t) + " does not keep the batch axis first");
    }
    int[] sample = new int[t.length - 1];
    int inferred = -1;
    for (int d = 1; d < t.length; d++) {
      if (t[d] == Value.BATCH || t[d] == -1 && t[0] == -1) {
        throw n.error("target shape " + Arrays.toString(t) + " mixes the batch into other axes");
      }
      if (t[d] == -1) {
        inferred = d - 1;
      }
      sample[d - 1] = t[d] == 0 ? x.sample()[d - 1] : (int) t[d];
    }
    if (inferred >= 0) {
      long known = 1;
      for (int d = 0; d < sample.length; d++) {
        known *= d == inferred ? 1 : sample[d];
      }
      sample[inferred] = (int) (Shapes.size(x.sample()) / Math.max(1, known));
    }
    if (Shapes.size(sample) != Shapes.size(x.sample())) {
      throw n.error("cannot reshape per-sample shape " + Shapes.format(x.sample()) + " to " + Arrays.toString(t));
    }
    reshapeTo(n, g, withBatch(sample));
  }

  private static int[] withBatch(int[] sample) {
    int[] s = new int[sample.length + 1];
    System.arraycopy(sample, 0, s, 1, sample.length);
    s[0] = (int) Value.BATCH;
    return s;
  }

  /** A static reshape to a full target (batch first); the same shape is no node at all. */
  private static void reshapeTo(OnnxNode n, OnnxImporter g, int[] full) {
    Dyn x = g.dyn(n, 0);
    if (full.length == 0 || full[0] != Value.BATCH) {
      throw n.error("would remove or move the batch axis");
    }
    int[] sample = Arrays.copyOfRange(full, 1, full.length);
    if (Arrays.equals(sample, x.sample())) {
      g.define(n.outputs().get(0), x);
    } else {
      layer(n, g, new Reshape(g.name(n), sample));
    }
  }

  private static void transpose(OnnxNode n, OnnxImporter g) {
    n.allow("perm");
    Dyn x = g.dyn(n, 0);
    int[] perm = n.ints("perm");
    if (perm == null || perm.length != x.rank() || perm[0] != 0) {
      throw n.error("attribute 'perm' = " + Arrays.toString(perm) + " is not supported (the batch axis must stay first)");
    }
    int[] axes = new int[perm.length - 1];
    for (int d = 1; d < perm.length; d++) {
      axes[d - 1] = perm[d] - 1;
    }
    layer(n, g, new Permute(g.name(n), axes));
  }

  /** pads (b0.., e0..) over all axes, batch pads 0; modes constant, reflect, edge, wrap. */
  private static void pad(OnnxNode n, OnnxImporter g) {
    Dyn x = g.dyn(n, 0);
    long[] pads;
    float value;
    if (n.opset < 11) {
      n.allow("mode", "pads", "value");
      pads = Arrays.stream(n.ints("pads")).asLongStream().toArray();
      value = n.f("value", 0);
    } else {
      n.allow("mode");
      pads = g.constant(n, 1).longs();
      value = g.constant(n, 2) == null ? 0 : (float) g.constant(n, 2).values()[0];
      if (g.constant(n, 3) != null) {
        throw n.error("input 'axes' is not supported");
      }
    }
    String mode = n.s("mode", "constant");
    n.only("mode", mode, "constant", "reflect", "edge", "wrap");
    int r = x.rank();
    if (pads.length != 2 * r || pads[0] != 0 || pads[r] != 0) {
      throw n.error("pads " + Arrays.toString(pads) + " must have 2 x " + r + " entries and leave the batch axis alone");
    }
    int[] ours = new int[2 * (r - 1)]; // F.pad order: (begin, end) pairs from the last axis
    for (int d = r - 1, k = 0; d >= 1; d--) {
      ours[k++] = (int) pads[d];
      ours[k++] = (int) pads[d + r];
    }
    String m = switch (mode) {
      case "edge" -> "replicate";
      case "wrap" -> "circular";
      default -> mode;
    };
    layer(n, g, new Pad(g.name(n), ours, m, m.equals("constant") ? value : 0));
  }

  /** One Slice layer per sliced axis; a batch axis slice must keep the whole batch. */
  private static void slice(OnnxNode n, OnnxImporter g) {
    Dyn x = g.dyn(n, 0);
    Slices s = Slices.of(n, g, x.rank());
    String name = g.name(n);
    for (int k = 0; k < s.axes().length; k++) {
      int axis = s.axes()[k];
      if (axis == 0) {
        if (s.starts()[k] != 0 || s.ends()[k] < Value.BATCH || s.steps()[k] != 1) {
          throw n.error("slices the batch axis");
        }
        continue;
      }
      int[] b = s.bounds(k, x.sample()[axis - 1]);
      if (b[0] == 0 && b[1] == x.sample()[axis - 1] && b[2] == 1) {
        continue;
      }
      if (b[2] < 1) {
        throw n.error("negative slice steps are not supported");
      }
      x = g.emit(new Slice(k == s.axes().length - 1 ? name : g.unique(name + "." + k), axis - 1, b[0], b[1], b[2]), x);
    }
    g.define(n.outputs().get(0), x);
  }

  /** One Split layer per output; sizes from the attribute (before 13), the input, or equal parts. */
  private static void split(OnnxNode n, OnnxImporter g) {
    Dyn x = g.dyn(n, 0);
    int[] sizes;
    if (n.opset < 13) {
      n.allow("axis", "split");
      sizes = n.ints("split");
    } else {
      n.allow("axis", "num_outputs");
      sizes = g.constant(n, 1) == null ? null : Arrays.stream(g.constant(n, 1).longs()).mapToInt(Math::toIntExact).toArray();
    }
    int axis = sampleAxis(n, n.i("axis", 0), x.rank());
    int parts = n.outputs().size();
    if (sizes == null) {
      int total = x.sample()[axis];
      int each = (total + parts - 1) / parts; // opset 18: the last part may be smaller
      sizes = new int[parts];
      for (int k = 0; k < parts; k++) {
        sizes[k] = Math.min(each, total - k * each);
      }
    }
    String name = g.name(n);
    for (int k = 0; k < parts; k++) {
      if (!n.outputs().get(k).isEmpty()) {
        g.define(n.outputs().get(k), g.emit(new Split(g.unique(name + "." + k), axis, sizes, k), x));
      }
    }
  }
}
