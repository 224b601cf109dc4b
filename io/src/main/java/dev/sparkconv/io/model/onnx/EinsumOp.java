package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.MatMulJoin;
import dev.sparkconv.nn.Permute;
import dev.sparkconv.nn.Reshape;
import java.util.Arrays;

/**
 * Einsum of two operands with an explicit output, as torch writes it for attention ("bhqd,bhkd->bhqk") and channel
 * mixing ("bchw,ck->bkhw"): every letter is a batch letter (both operands and the output), a row letter (first
 * operand and output), a column letter (second and output) or a contracted one (both operands, not the output). Two
 * computed operands become a permute, a reshape to (batch, rows, contracted) and (batch, contracted, columns), a
 * {@link MatMulJoin} and the way back; a computed operand and a weight, a {@link Linear} over the last axis. The
 * first letter of a computed operand and of the output is the batch axis. Anything else (ellipsis, a repeated
 * letter, a letter summed in one operand only) is refused.
 */
final class EinsumOp {
  private EinsumOp() {}

  static void convert(OnnxNode n, OnnxImporter g) {
    n.allow("equation");
    String eq = n.s("equation", "").replace(" ", "");
    String[] sides = eq.split("->", -1);
    String[] in = sides[0].split(",", -1);
    if (sides.length != 2 || in.length != 2 || eq.contains(".") || n.inputs().size() != 2) {
      throw n.error("equation '" + eq + "' is not supported (two operands, an explicit output, no ellipsis)");
    }
    Value a = g.input(n, 0);
    Value b = g.input(n, 1);
    boolean swap = a instanceof Const;
    Dyn x = (Dyn) (swap ? b : a);
    String sx = swap ? in[1] : in[0];
    String sy = swap ? in[0] : in[1];
    String so = sides[1];
    char batch = so.isEmpty() ? 0 : so.charAt(0);
    if (sx.isEmpty() || sx.charAt(0) != batch || distinct(sx) || distinct(sy) || distinct(so)
        || b instanceof Dyn && !swap && sy.charAt(0) != batch) {
      throw n.error("equation '" + eq + "' is not supported (distinct letters per operand; the batch letter first "
          + "in each computed operand and the output)");
    }
    for (char c : (sx + sy).toCharArray()) {
      if (so.indexOf(c) < 0 && (sx.indexOf(c) < 0 || sy.indexOf(c) < 0)) {
        throw n.error("equation '" + eq + "' sums letter '" + c + "' of one operand only, which is not supported");
      }
    }
    for (char c : so.toCharArray()) {
      if (sx.indexOf(c) < 0 && sy.indexOf(c) < 0) {
        throw n.error("equation '" + eq + "' has output letter '" + c + "' in no operand");
      }
    }
    String name = g.name(n);
    String rows = only(sx, so, sy, batch);
    String cols = only(sy, so, sx, batch);
    String contracted = only(sx, sy, so, batch);
    String shared = both(sx, sy, so, batch);
    int[] size = sizes(n, x, sx, swap ? a : b, sy);
    Dyn y;
    if ((swap ? a : b) instanceof Dyn other) {
      Dyn left = toMatrix(g, name + ".a", x, sx.substring(1), shared + rows + contracted,
          prod(size, shared), prod(size, rows), prod(size, contracted));
      Dyn right = toMatrix(g, name + ".b", other, sy.substring(1), shared + contracted + cols,
          prod(size, shared), prod(size, contracted), prod(size, cols));
      y = g.emit(new MatMulJoin(g.unique(name + ".matmul")), left, right);
      y = fromMatrix(g, name, y, shared + rows + cols, so.substring(1), size);
    } else {
      if (!shared.isEmpty() || sy.indexOf(batch) >= 0) {
        throw n.error("equation '" + eq + "' shares the batch or another output letter with the weight");
      }
      int k = prod(size, contracted);
      int m = prod(size, cols);
      float[] weight = permuted((Const) (swap ? a : b), sy, cols + contracted); // (out, in), as Linear keeps it
      Dyn left = rows.isEmpty() ? toMatrix(g, name + ".a", x, sx.substring(1), contracted, k)
          : toMatrix(g, name + ".a", x, sx.substring(1), rows + contracted, prod(size, rows), k);
      y = g.emit(Linear.overLastAxis(g.unique(name + ".linear"), k, m, weight, null), left);
      y = fromMatrix(g, name, y, rows + cols, so.substring(1), size);
    }
    g.define(n.outputs().get(0), y);
  }

  private static boolean distinct(String s) {
    return s.chars().distinct().count() != s.length();
  }

  /** The letters of {@code s} (in its order, the batch letter left out) in {@code in} and not in {@code out}. */
  private static String only(String s, String in, String out, char batch) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c != batch && in.indexOf(c) >= 0 && out.indexOf(c) < 0) {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The letters of {@code s} (the batch letter left out) in both {@code t} and {@code u}: batched matrices. */
  private static String both(String s, String t, String u, char batch) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c != batch && t.indexOf(c) >= 0 && u.indexOf(c) >= 0) {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Each letter's size, indexed by the letter; the operands must agree. */
  private static int[] sizes(OnnxNode n, Dyn x, String sx, Value other, String sy) {
    int[] size = new int[128];
    int[] ox = OnnxOps.batched(x);
    int[] oy = other instanceof Dyn d ? OnnxOps.batched(d) : ((Const) other).shape();
    if (ox.length != sx.length() || oy.length != sy.length()) {
      throw n.error("operands of ranks " + ox.length + " and " + oy.length + " for '" + sx + "' and '" + sy + "'");
    }
    for (int k = 0; k < sx.length(); k++) {
      size[sx.charAt(k)] = ox[k];
    }
    for (int k = 0; k < sy.length(); k++) {
      if (size[sy.charAt(k)] != 0 && size[sy.charAt(k)] != oy[k] && sy.charAt(k) != sx.charAt(0)) {
        throw n.error("letter '" + sy.charAt(k) + "' has sizes " + size[sy.charAt(k)] + " and " + oy[k]);
      }
      size[sy.charAt(k)] = size[sy.charAt(k)] == 0 ? oy[k] : size[sy.charAt(k)];
    }
    return size;
  }

  private static int prod(int[] size, String letters) {
    int p = 1;
    for (char c : letters.toCharArray()) {
      p *= size[c];
    }
    return p;
  }

  /** Per-sample axes labelled {@code from} permuted to the order {@code to}, then reshaped to {@code shape}. */
  private static Dyn toMatrix(OnnxImporter g, String name, Dyn x, String from, String to, int... shape) {
    Dyn y = permute(g, name, x, from, to);
    return Arrays.equals(shape, y.sample()) ? y : g.emit(new Reshape(g.unique(name + ".reshape"), shape), y);
  }

  /** The matrix product reshaped to its letters' sizes, then permuted to the output order; the last node is named. */
  private static Dyn fromMatrix(OnnxImporter g, String name, Dyn y, String letters, String to, int[] size) {
    int[] shape = letters.chars().map(c -> size[c]).toArray();
    Dyn z = Arrays.equals(shape, y.sample()) ? y : g.emit(new Reshape(g.unique(name + ".unflatten"), shape), y);
    return permute(g, name, z, letters, to);
  }

  private static Dyn permute(OnnxImporter g, String name, Dyn x, String from, String to) {
    int[] perm = to.chars().map(from::indexOf).toArray();
    boolean identity = java.util.stream.IntStream.range(0, perm.length).allMatch(k -> perm[k] == k);
    return identity ? x : g.emit(new Permute(g.unique(name + ".permute"), perm), x);
  }

  /** The constant's values with its axes (labelled {@code from}) in the order {@code to}. */
  private static float[] permuted(Const c, String from, String to) {
    int r = c.rank();
    int[] stride = new int[r];
    for (int d = r - 1, s = 1; d >= 0; d--) {
      stride[d] = s;
      s *= c.shape()[d];
    }
    int[] dims = new int[r];
    int[] step = new int[r];
    for (int k = 0; k < r; k++) {
      dims[k] = c.shape()[from.indexOf(to.charAt(k))];
      step[k] = stride[from.indexOf(to.charAt(k))];
    }
    float[] v = c.floats();
    float[] out = new float[v.length];
    int[] index = new int[r];
    for (int w = 0; w < out.length; w++) {
      int at = 0;
      for (int d = 0; d < r; d++) {
        at += index[d] * step[d];
      }
      out[w] = v[at];
      for (int d = r - 1; d >= 0 && ++index[d] == dims[d]; d--) {
        index[d] = 0;
      }
    }
    return out;
  }
}
