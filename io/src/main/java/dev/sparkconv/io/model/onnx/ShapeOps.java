package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.Concat;
import dev.sparkconv.nn.Flatten;
import dev.sparkconv.nn.Pad;
import dev.sparkconv.nn.Permute;
import dev.sparkconv.nn.Reshape;
import dev.sparkconv.nn.Slice;
import dev.sparkconv.nn.Split;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Map;

/** The shape ops on computed tensors (see {@link OnnxOps}): the batch axis must stay first and whole. */
final class ShapeOps {
  private ShapeOps() {}

  static void register(Map<String, OnnxOps.Converter> ops) {
    ops.put("Concat", ShapeOps::concat);
    ops.put("Flatten", ShapeOps::flatten);
    ops.put("Reshape", ShapeOps::reshape);
    ops.put("Squeeze", (n, g) -> reshapeTo(n, g,
        Folding.squeezed(n, OnnxOps.batched(g.dyn(n, 0)), Folding.axes(n, g, 1))));
    ops.put("Unsqueeze", (n, g) -> reshapeTo(n, g,
        Folding.unsqueezed(n, OnnxOps.batched(g.dyn(n, 0)), Folding.axes(n, g, 1))));
    ops.put("Transpose", ShapeOps::transpose);
    ops.put("Pad", ShapeOps::pad);
    ops.put("Slice", ShapeOps::slice);
    ops.put("Split", ShapeOps::split);
    ops.put("Expand", ShapeOps::expand);
    ops.put("Tile", ShapeOps::tile);
    ops.put("Where", ShapeOps::where);
    ops.put("Gather", ShapeOps::gather);
  }

  /** One input is the identity (DenseNet's first layer: torch.cat([x], 1)). */
  private static void concat(OnnxNode n, OnnxImporter g) {
    n.allow("axis");
    Dyn[] in = new Dyn[n.inputs().size()];
    for (int k = 0; k < in.length; k++) {
      in[k] = g.dyn(n, k);
    }
    int axis = OnnxOps.sampleAxis(n, n.i("axis", 0), in[0].rank());
    g.define(n.outputs().get(0), in.length == 1 ? in[0] : g.emit(new Concat(g.name(n), axis), in));
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
      OnnxOps.layer(n, g, new Flatten(g.name(n)));
    }
  }

  /** The target's first entry must stand for the batch: the batch itself (folded Shape), 0 or -1. */
  private static void reshape(OnnxNode n, OnnxImporter g) {
    n.allow("allowzero");
    n.only("allowzero", n.i("allowzero", 0), 0L);
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
      OnnxOps.layer(n, g, new Reshape(g.name(n), sample));
    }
  }

  private static void transpose(OnnxNode n, OnnxImporter g) {
    n.allow("perm");
    Dyn x = g.dyn(n, 0);
    int[] perm = n.ints("perm");
    if (perm == null || perm.length != x.rank() || perm[0] != 0) {
      throw n.error("attribute 'perm' = " + Arrays.toString(perm)
          + " is not supported (the batch axis must stay first)");
    }
    int[] axes = new int[perm.length - 1];
    for (int d = 1; d < perm.length; d++) {
      axes[d - 1] = perm[d] - 1;
    }
    OnnxOps.layer(n, g, new Permute(g.name(n), axes));
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
      throw n.error("pads " + Arrays.toString(pads) + " must have 2 x " + r
          + " entries and leave the batch axis alone");
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
    OnnxOps.layer(n, g, new Pad(g.name(n), ours, m, m.equals("constant") ? value : 0));
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

  /**
   * Broadcast to a shape (numpy's rule, both ways): a Tile of the size-1 axes; the batch axis and the rank stay.
   */
  private static void expand(OnnxNode n, OnnxImporter g) {
    n.allow();
    Dyn x = g.dyn(n, 0);
    long[] shape = g.requiredConstant(n, 1).longs();
    if (shape.length > x.rank() || shape.length == x.rank() && shape[0] != 1 && shape[0] != Value.BATCH) {
      throw n.error("shape " + Arrays.toString(shape) + " would add axes before the batch or expand it");
    }
    int[] repeats = new int[x.sample().length];
    for (int d = 0; d < repeats.length; d++) {
      int at = d + 1 - (x.rank() - shape.length); // aligned at the end
      long want = at < 0 ? 1 : shape[at];
      int have = x.sample()[d];
      if (want != 1 && want != have && have != 1) {
        throw n.error("shape " + Arrays.toString(shape) + " does not broadcast per-sample " + Shapes.format(x.sample()));
      }
      repeats[d] = have == 1 && want > 1 ? (int) want : 1;
    }
    tileBy(n, g, x, repeats);
  }

  private static void tile(OnnxNode n, OnnxImporter g) {
    n.allow();
    Dyn x = g.dyn(n, 0);
    long[] r = g.requiredConstant(n, 1).longs();
    if (r.length != x.rank() || r[0] != 1) {
      throw n.error("repeats " + Arrays.toString(r) + " must have one entry per axis and leave the batch alone");
    }
    tileBy(n, g, x, Arrays.stream(r, 1, r.length).mapToInt(Math::toIntExact).toArray());
  }

  private static void tileBy(OnnxNode n, OnnxImporter g, Dyn x, int[] repeats) {
    if (Arrays.stream(repeats).allMatch(r -> r == 1)) {
      g.define(n.outputs().get(0), x);
    } else {
      OnnxOps.layer(n, g, new dev.sparkconv.nn.Tile(g.name(n), repeats));
    }
  }

  /** cond ? x : y with a computed condition; a constant branch must be a scalar. */
  private static void where(OnnxNode n, OnnxImporter g) {
    n.allow();
    java.util.List<Dyn> in = new java.util.ArrayList<>(java.util.List.of(g.dyn(n, 0)));
    Float[] scalars = new Float[2];
    for (int k = 1; k <= 2; k++) {
      Value v = g.input(n, k);
      if (v instanceof Dyn d) {
        in.add(d);
      } else if (((Value.Const) v).size() == 1) {
        scalars[k - 1] = (float) ((Value.Const) v).values()[0];
      } else {
        throw n.error("input #" + k + " is a constant of shape " + Shapes.format(((Value.Const) v).shape())
            + "; a constant branch must be a scalar");
      }
    }
    g.define(n.outputs().get(0), g.emit(new dev.sparkconv.nn.Where(g.name(n), scalars[0], scalars[1]),
        OnnxOps.sameRank(n, in.toArray(new Dyn[0]))));
  }

  /**
   * Gather on a computed tensor with constant indices (x[:, :, 0] as torch writes it): a scalar index is a slice
   * without its axis, 1-d indices in one step (0, 2, 4) a strided slice; others are refused.
   */
  private static void gather(OnnxNode n, OnnxImporter g) {
    n.allow("axis");
    Dyn x = g.dyn(n, 0);
    Value.Const idx = g.requiredConstant(n, 1);
    int axis = OnnxOps.sampleAxis(n, n.i("axis", 0), x.rank());
    int size = x.sample()[axis];
    long[] at = Arrays.stream(idx.longs()).map(i -> i < 0 ? i + size : i).toArray();
    long step = at.length > 1 ? at[1] - at[0] : 1;
    for (int k = 0; k < at.length; k++) {
      if (at[k] < 0 || at[k] >= size || at[k] != at[0] + k * step || step < 1 || idx.rank() > 1) {
        throw n.error("indices " + Arrays.toString(idx.longs()) + " are not supported on a computed tensor (a "
            + "scalar, or a 1-d run with one positive step)");
      }
    }
    String name = g.name(n);
    Dyn sliced = g.emit(new Slice(idx.rank() == 0 ? g.unique(name + ".slice") : name, axis, (int) at[0],
        (int) (at[at.length - 1] + 1), (int) step), x);
    if (idx.rank() == 0) { // the axis goes
      int[] sample = java.util.stream.IntStream.range(0, sliced.sample().length).filter(d -> d != axis)
          .map(d -> sliced.sample()[d]).toArray();
      g.define(n.outputs().get(0), g.emit(new Reshape(name, sample), sliced));
    } else {
      g.define(n.outputs().get(0), sliced);
    }
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
      sizes = g.constant(n, 1) == null ? null
          : Arrays.stream(g.constant(n, 1).longs()).mapToInt(Math::toIntExact).toArray();
    }
    int axis = OnnxOps.sampleAxis(n, n.i("axis", 0), x.rank());
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
