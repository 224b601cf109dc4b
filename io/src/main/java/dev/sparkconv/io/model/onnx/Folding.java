package dev.sparkconv.io.model.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Constant folding at load: nodes whose inputs are all constants (initializers, Constant nodes, the
 * Shape of a tensor whose per-sample shape is static) are evaluated here, so the shape arithmetic
 * exporters emit ends in static Reshape targets, pads and scales. The batch size is {@link Value#BATCH}.
 */
final class Folding {
  private static final Set<String> FOLDABLE = Set.of("Identity", "Dropout", "Cast", "Gather", "Unsqueeze",
      "Squeeze", "Concat", "Reshape", "Flatten", "Transpose", "Slice", "ConstantOfShape", "Range", "Add", "Sub",
      "Mul", "Div", "Pow", "Neg", "Floor", "Ceil", "Sqrt", "Abs", "Reciprocal", "Exp", "Log", "Equal", "Less", "Greater", "Where", "Expand", "Tile", "Max", "Min", "Sign");

  private Folding() {}

  /** Folds the node when it can be; false leaves it to {@link OnnxOps}. */
  static boolean fold(OnnxNode n, OnnxImporter g) {
    if (n.op.equals("Constant")) {
      g.define(n.outputs().get(0), constant(n));
      return true;
    }
    if (n.op.equals("Shape")) {
      n.allow("start", "end");
      Value v = g.input(n, 0);
      double[] shape = v instanceof Const c ? Arrays.stream(c.shape()).asDoubleStream().toArray()
          : batched(((Value.Dyn) v).sample());
      int start = clampAxis((int) n.i("start", 0), shape.length);
      int end = clampAxis((int) n.i("end", shape.length), shape.length);
      double[] part = Arrays.copyOfRange(shape, start, Math.max(start, end));
      g.define(n.outputs().get(0), new Const(new int[] {part.length}, part, true));
      return true;
    }
    if (!FOLDABLE.contains(n.op) || n.inputs().stream().anyMatch(i -> !i.isEmpty() && !(g.value(n, i) instanceof Const))
        || n.inputs().stream().allMatch(String::isEmpty)) {
      return false;
    }
    switch (n.op) { // attributes that change the result must be understood here too
      case "Dropout" -> n.allow("ratio", "seed", "is_test");
      case "Gather", "Flatten", "Concat" -> n.allow("axis");
      case "Transpose" -> n.allow("perm");
      case "Reshape" -> {
        n.allow("allowzero");
        n.only("allowzero", n.i("allowzero", 0), 0L);
      }
      case "Cast", "Unsqueeze", "Squeeze", "Slice", "ConstantOfShape" -> { } // checked where they are read
      default -> n.allow();
    }
    Const a = g.constant(n, 0);
    Const out = switch (n.op) {
      case "Identity", "Dropout" -> a;
      case "Cast" -> cast(n, a);
      case "Gather" -> gather(a, g.constant(n, 1), axis(n.i("axis", 0), a.rank()));
      case "Unsqueeze" -> reshape(a, unsqueezed(n, a.shape(), axes(n, g, 1)));
      case "Squeeze" -> reshape(a, squeezed(n, a.shape(), axes(n, g, 1)));
      case "Flatten" -> flatten(a, axis(n.i("axis", 1), a.rank() + 1));
      case "Concat" -> concat(n, g, axis(n.i("axis", 0), a.rank()));
      case "Reshape" -> reshape(a, target(a.shape(), g.constant(n, 1).longs()));
      case "Transpose" -> transpose(a, n.ints("perm"));
      case "Slice" -> slice(n, g, a);
      case "ConstantOfShape" -> constantOfShape(n, a);
      case "Range" -> range(a.values()[0], g.constant(n, 1).values()[0], g.constant(n, 2).values()[0], a.integral());
      case "Add" -> binary(a, g.constant(n, 1), Double::sum);
      case "Sub" -> binary(a, g.constant(n, 1), (x, y) -> x - y);
      case "Mul" -> binary(a, g.constant(n, 1), (x, y) -> x * y);
      case "Div" -> binary(a, g.constant(n, 1), a.integral() && g.constant(n, 1).integral()
          ? (x, y) -> (double) ((long) x / (long) y) : (x, y) -> x / y);
      case "Pow" -> binary(a, g.constant(n, 1), Math::pow);
      case "Equal" -> bool(binary(a, g.constant(n, 1), (x, y) -> x == y ? 1 : 0));
      case "Less" -> bool(binary(a, g.constant(n, 1), (x, y) -> x < y ? 1 : 0));
      case "Greater" -> bool(binary(a, g.constant(n, 1), (x, y) -> x > y ? 1 : 0));
      case "Where" -> where(a, g.constant(n, 1), g.constant(n, 2));
      case "Expand" -> expand(n, a, g.constant(n, 1));
      case "Tile" -> tile(a, g.constant(n, 1).longs());
      case "Max", "Min" -> variadic(n, g, n.op.equals("Max") ? Math::max : Math::min);
      case "Reciprocal" -> unary(a, x -> 1 / x);
      case "Exp" -> unary(a, Math::exp);
      case "Log" -> unary(a, Math::log);
      case "Neg" -> unary(a, x -> -x);
      case "Sign" -> unary(a, Math::signum);
      case "Floor" -> unary(a, Math::floor);
      case "Ceil" -> unary(a, Math::ceil);
      case "Sqrt" -> unary(a, Math::sqrt);
      default -> unary(a, Math::abs); // Abs
    };
    g.define(n.outputs().get(0), out);
    for (int k = 1; k < n.outputs().size(); k++) { // Dropout's mask output
      if (!n.outputs().get(k).isEmpty()) {
        throw n.error("output #" + k + " is not supported");
      }
    }
    return true;
  }

  static double[] batched(int[] sample) {
    double[] shape = new double[sample.length + 1];
    shape[0] = Value.BATCH;
    for (int d = 0; d < sample.length; d++) {
      shape[d + 1] = sample[d];
    }
    return shape;
  }

  private static Const constant(OnnxNode n) {
    n.allow("value", "value_float", "value_floats", "value_int", "value_ints");
    if (n.has("value")) {
      return Tensors.of(n.attribute("value").getT());
    }
    if (n.has("value_float")) {
      return new Const(new int[0], new double[] {n.f("value_float", 0)}, false);
    }
    if (n.has("value_int")) {
      return new Const(new int[0], new double[] {n.i("value_int", 0)}, true);
    }
    if (n.has("value_ints")) {
      double[] v = Arrays.stream(n.ints("value_ints")).asDoubleStream().toArray();
      return new Const(new int[] {v.length}, v, true);
    }
    if (n.has("value_floats")) {
      float[] f = n.floats("value_floats");
      double[] v = new double[f.length];
      for (int k = 0; k < f.length; k++) {
        v[k] = f[k];
      }
      return new Const(new int[] {v.length}, v, false);
    }
    throw n.error("needs one of the attributes value, value_float(s), value_int(s)");
  }

  private static Const cast(OnnxNode n, Const a) {
    n.allow("to", "saturate");
    DataType to = DataType.forNumber((int) n.i("to", 0));
    return switch (to == null ? DataType.UNDEFINED : to) {
      case FLOAT, FLOAT16 -> Const.ofFloats(a.shape(), a.floats());
      case DOUBLE -> new Const(a.shape(), a.values(), false);
      case BOOL -> new Const(a.shape(), unary(a, x -> x != 0 ? 1 : 0).values(), true);
      case INT64, INT32, INT16, INT8, UINT8, UINT16 ->
          new Const(a.shape(), unary(a, x -> (double) (long) x).values(), true);
      default -> throw n.error("attribute 'to' = " + to + " is not supported");
    };
  }

  static int axis(long axis, int rank) {
    int a = (int) (axis < 0 ? axis + rank : axis);
    if (a < 0 || a >= Math.max(rank, 1)) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
    }
    return a;
  }

  private static int clampAxis(int axis, int rank) {
    return Math.max(0, Math.min(rank, axis < 0 ? axis + rank : axis));
  }

  /** The axes of Squeeze / Unsqueeze: an attribute before opset 13, input {@code k} since; null when absent. */
  static int[] axes(OnnxNode n, OnnxImporter g, int k) {
    if (n.opset < 13) {
      n.allow("axes");
      return n.ints("axes");
    }
    n.allow();
    Const c = g.constant(n, k);
    return c == null ? null : Arrays.stream(c.longs()).mapToInt(Math::toIntExact).toArray();
  }

  /** The shape without the listed axes (all size-1 axes when null); a listed axis must have size 1. */
  static int[] squeezed(OnnxNode n, int[] shape, int[] axes) {
    boolean[] drop = new boolean[shape.length];
    for (int d = 0; d < shape.length; d++) {
      drop[d] = axes == null && shape[d] == 1;
    }
    for (int a : axes == null ? new int[0] : axes) {
      int d = axis(a, shape.length);
      if (shape[d] != 1) {
        throw n.error("squeezes axis " + a + " of size " + shape[d]);
      }
      drop[d] = true;
    }
    return java.util.stream.IntStream.range(0, shape.length).filter(d -> !drop[d]).map(d -> shape[d]).toArray();
  }

  /** The shape with size-1 axes inserted at the listed output axes. */
  static int[] unsqueezed(OnnxNode n, int[] shape, int[] axes) {
    if (axes == null) {
      throw n.error("needs its axes");
    }
    int rank = shape.length + axes.length;
    boolean[] added = new boolean[rank];
    for (int a : axes) {
      added[axis(a, rank)] = true;
    }
    int[] out = new int[rank];
    for (int d = 0, k = 0; d < rank; d++) {
      out[d] = added[d] ? 1 : shape[k++];
    }
    return out;
  }

  /** Reshape's target: 0 copies the input's size, one -1 is inferred (allowzero = 0). */
  static int[] target(int[] in, long[] shape) {
    int[] out = new int[shape.length];
    int infer = -1;
    long known = 1;
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == -1) {
        infer = d;
        continue;
      }
      out[d] = Math.toIntExact(shape[d] == 0 ? in[d] : shape[d]);
      known *= out[d];
    }
    if (infer >= 0) {
      out[infer] = (int) (Shapes.size(in) / Math.max(known, 1));
    }
    if (Shapes.size(out) != Shapes.size(in)) {
      throw new IllegalArgumentException("cannot reshape " + Shapes.format(in) + " to " + Arrays.toString(shape));
    }
    return out;
  }

  private static Const reshape(Const a, int[] shape) {
    return a.reshaped(shape);
  }

  private static Const flatten(Const a, int axis) {
    int outer = Shapes.size(Arrays.copyOfRange(a.shape(), 0, axis));
    return reshape(a, new int[] {outer, a.size() / Math.max(outer, 1)});
  }

  /** Gather along {@code axis} (take): data.shape[:axis] + indices.shape + data.shape[axis+1:]. */
  private static Const gather(Const data, Const indices, int axis) {
    int[] s = data.shape();
    int outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
    int inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
    long[] idx = indices.longs();
    double[] out = new double[outer * idx.length * inner];
    for (int o = 0, w = 0; o < outer; o++) {
      for (long i : idx) {
        int at = (int) (i < 0 ? i + s[axis] : i);
        if (at < 0 || at >= s[axis]) {
          throw new IllegalArgumentException("gather index " + i + " is out of range for size " + s[axis]);
        }
        System.arraycopy(data.values(), (o * s[axis] + at) * inner, out, w, inner);
        w += inner;
      }
    }
    int[] shape = new int[s.length - 1 + indices.rank()];
    System.arraycopy(s, 0, shape, 0, axis);
    System.arraycopy(indices.shape(), 0, shape, axis, indices.rank());
    System.arraycopy(s, axis + 1, shape, axis + indices.rank(), s.length - axis - 1);
    return new Const(shape, out, data.integral());
  }

  private static Const concat(OnnxNode n, OnnxImporter g, int axis) {
    Const[] parts = new Const[n.inputs().size()];
    int[] shape = g.constant(n, 0).shape().clone();
    shape[axis] = 0;
    for (int k = 0; k < parts.length; k++) {
      parts[k] = g.constant(n, k);
      shape[axis] += parts[k].shape()[axis];
    }
    int outer = Shapes.size(Arrays.copyOfRange(shape, 0, axis));
    double[] out = new double[Shapes.size(shape)];
    for (int o = 0, w = 0; o < outer; o++) {
      for (Const p : parts) {
        int block = p.size() / Math.max(outer, 1);
        System.arraycopy(p.values(), o * block, out, w, block);
        w += block;
      }
    }
    return new Const(shape, out, parts[0].integral());
  }

  private static Const transpose(Const a, int[] perm) {
    int r = a.rank();
    int[] p = perm != null ? perm : java.util.stream.IntStream.range(0, r).map(d -> r - 1 - d).toArray();
    int[] shape = new int[r];
    int[] stride = new int[r];
    for (int d = r - 1, s = 1; d >= 0; d--) {
      stride[d] = s;
      s *= a.shape()[d];
    }
    for (int d = 0; d < r; d++) {
      shape[d] = a.shape()[p[d]];
    }
    double[] out = new double[a.size()];
    int[] index = new int[r];
    for (int w = 0; w < out.length; w++) {
      int from = 0;
      for (int d = 0; d < r; d++) {
        from += index[d] * stride[p[d]];
      }
      out[w] = a.values()[from];
      for (int d = r - 1; d >= 0 && ++index[d] == shape[d]; d--) {
        index[d] = 0;
      }
    }
    return new Const(shape, out, a.integral());
  }

  private static Const slice(OnnxNode n, OnnxImporter g, Const a) {
    Slices s = Slices.of(n, g, a.rank());
    Const out = a;
    for (int k = 0; k < s.axes().length; k++) {
      int axis = s.axes()[k];
      int[] idx = s.indices(k, a.shape()[axis]);
      double[] pick = Arrays.stream(idx).asDoubleStream().toArray();
      out = gather(out, new Const(new int[] {pick.length}, pick, true), axis);
    }
    return out;
  }

  private static Const constantOfShape(OnnxNode n, Const shape) {
    n.allow("value");
    Const fill = n.has("value") ? Tensors.of(n.attribute("value").getT())
        : new Const(new int[0], new double[] {0}, false);
    if (Arrays.stream(shape.longs()).anyMatch(d -> d == Value.BATCH)) { // a per-batch tensor, not a constant
      throw n.error("a tensor the size of the batch is not supported");
    }
    int[] dims = Arrays.stream(shape.longs()).mapToInt(Math::toIntExact).toArray();
    double[] v = new double[Shapes.size(dims)];
    Arrays.fill(v, fill.values()[0]);
    return new Const(dims, v, fill.integral());
  }

  private static Const range(double start, double limit, double delta, boolean integral) {
    int count = (int) Math.max(0, Math.ceil((limit - start) / delta));
    double[] v = new double[count];
    for (int k = 0; k < count; k++) {
      v[k] = start + k * delta;
    }
    return new Const(new int[] {count}, v, integral);
  }

  private static Const bool(Const c) {
    return new Const(c.shape(), c.values(), true);
  }

  /** c ? x : y, broadcast: the choice made twice with the other branch as NaN would confuse a NaN value. */
  private static Const where(Const c, Const x, Const y) {
    Const pickX = binary(c, x, (ci, xi) -> ci);                   // c broadcast to the shape of c and x
    Const shape = binary(pickX, y, (ci, yi) -> ci);               // ... and y
    Const xs = binary(binary(shape, x, (u, xi) -> xi), shape, (xi, u) -> xi);
    Const ys = binary(binary(shape, y, (u, yi) -> yi), shape, (yi, u) -> yi);
    double[] out = new double[shape.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape.values()[i] != 0 ? xs.values()[i] : ys.values()[i];
    }
    return new Const(shape.shape(), out, x.integral() && y.integral());
  }

  /** Bidirectional broadcast to {@code shape}; a batch-sized result is not a constant. */
  private static Const expand(OnnxNode n, Const a, Const shape) {
    if (Arrays.stream(shape.longs()).anyMatch(d -> d == Value.BATCH)) {
      throw n.error("a tensor the size of the batch is not supported");
    }
    int[] dims = Arrays.stream(shape.longs()).mapToInt(Math::toIntExact).toArray();
    double[] ones = new double[Shapes.size(dims)];
    Arrays.fill(ones, 1);
    return binary(a, new Const(dims, ones, true), (x, one) -> x);
  }

  private static Const tile(Const a, long[] repeats) {
    Const out = a;
    for (int d = 0; d < repeats.length; d++) {
      double[] idx = new double[(int) (a.shape()[d] * repeats[d])];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i % a.shape()[d];
      }
      out = gather(out, new Const(new int[] {idx.length}, idx, true), d);
    }
    return out;
  }

  private static Const variadic(OnnxNode n, OnnxImporter g, DoubleBinaryOperator f) {
    Const out = g.constant(n, 0);
    for (int k = 1; k < n.inputs().size(); k++) {
      out = binary(out, g.constant(n, k), f);
    }
    return out;
  }

  private static Const unary(Const a, DoubleUnaryOperator f) {
    return new Const(a.shape(), Arrays.stream(a.values()).map(f).toArray(), a.integral());
  }

  /** Numpy broadcasting: shapes aligned at the end, sizes equal or 1. */
  private static Const binary(Const a, Const b, DoubleBinaryOperator f) {
    int r = Math.max(a.rank(), b.rank());
    int[] as = pad(a.shape(), r);
    int[] bs = pad(b.shape(), r);
    int[] shape = new int[r];
    for (int d = 0; d < r; d++) {
      if (as[d] != bs[d] && as[d] != 1 && bs[d] != 1) {
        throw new IllegalArgumentException("shapes " + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape())
            + " do not broadcast");
      }
      shape[d] = Math.max(as[d], bs[d]);
    }
    double[] out = new double[Shapes.size(shape)];
    int[] index = new int[r];
    for (int w = 0; w < out.length; w++) {
      out[w] = f.applyAsDouble(a.values()[at(index, as)], b.values()[at(index, bs)]);
      for (int d = r - 1; d >= 0 && ++index[d] == shape[d]; d--) {
        index[d] = 0;
      }
    }
    return new Const(shape, out, a.integral() && b.integral());
  }

  static int[] pad(int[] shape, int rank) {
    int[] p = new int[rank];
    Arrays.fill(p, 1);
    System.arraycopy(shape, 0, p, rank - shape.length, shape.length);
    return p;
  }

  private static int at(int[] index, int[] shape) {
    int flat = 0;
    for (int d = 0; d < shape.length; d++) {
      flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[d]);
    }
    return flat;
  }
}
