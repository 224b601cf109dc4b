package dev.sparkconv.io.model.onnx;

import dev.sparkconv.io.model.onnx.Value.Const;
import dev.sparkconv.io.model.onnx.Value.Dyn;
import dev.sparkconv.nn.AvgPool;
import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ConvTranspose;
import dev.sparkconv.nn.GlobalAvgPool;
import dev.sparkconv.nn.GlobalMaxPool;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.LocalResponseNorm;
import dev.sparkconv.nn.LpPool;
import dev.sparkconv.nn.MaxPool;
import dev.sparkconv.nn.Reshape;
import dev.sparkconv.nn.Upsample;
import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;
import java.util.Map;

/** The convolution, pooling, dense, normalization and resize ops (see {@link OnnxOps}). */
final class LayerOps {
  private LayerOps() {}

  static void register(Map<String, OnnxOps.Converter> ops) {
    ops.put("Conv", LayerOps::conv);
    ops.put("ConvTranspose", LayerOps::convTranspose);
    ops.put("DeformConv", LayerOps::deformConv);
    ops.put("Einsum", EinsumOp::convert);
    ops.put("MaxPool", LayerOps::maxPool);
    ops.put("AveragePool", LayerOps::avgPool);
    ops.put("LpPool", LayerOps::lpPool);
    ops.put("GlobalAveragePool", (n, g) -> OnnxOps.layer(n.allow(), g, new GlobalAvgPool(g.name(n))));
    ops.put("GlobalMaxPool", (n, g) -> OnnxOps.layer(n.allow(), g, new GlobalMaxPool(g.name(n))));
    ops.put("Gemm", LayerOps::gemm);
    ops.put("MatMul", LayerOps::matMul);
    ops.put("BatchNormalization", LayerOps::batchNorm);
    ops.put("LRN", LayerOps::lrn);
    ops.put("Resize", LayerOps::resize);
    ops.put("Upsample", LayerOps::resize);
  }

  /** Window geometry shared by Conv and the pools: kernel, strides, dilations, pads {begin..., end...}. */
  private record Window(int[] kernel, int[] strides, int[] dilations, int[] pads) {
    boolean symmetric() {
      int r = kernel.length;
      return Arrays.equals(Arrays.copyOfRange(pads, 0, r), Arrays.copyOfRange(pads, r, 2 * r));
    }

    int[] begin() {
      return Arrays.copyOfRange(pads, 0, kernel.length);
    }
  }

  private static Window window(OnnxNode n, Dyn x, int[] kernel) {
    int r = kernel.length;
    if (x.sample().length != r + 1) {
      throw n.error("needs a (C, " + r + " spatial axes) input but gets " + Shapes.format(x.sample()));
    }
    int[] strides = n.ints("strides") != null ? n.ints("strides") : ones(r);
    int[] dilations = n.ints("dilations") != null ? n.ints("dilations") : ones(r);
    String auto = n.s("auto_pad", "NOTSET");
    n.only("auto_pad", auto, "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER");
    int[] pads = n.ints("pads") != null && auto.equals("NOTSET") ? n.ints("pads") : new int[2 * r];
    if (auto.startsWith("SAME")) { // output ceil(in / stride); the odd pad at the end (UPPER) or the start
      for (int a = 0; a < r; a++) {
        int in = x.sample()[a + 1];
        int out = (in + strides[a] - 1) / strides[a];
        int total = Math.max(0, (out - 1) * strides[a] + (kernel[a] - 1) * dilations[a] + 1 - in);
        pads[a] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
        pads[a + r] = total - pads[a];
      }
    }
    if (pads.length != 2 * r) {
      throw n.error("attribute 'pads' = " + Arrays.toString(pads) + " must have " + 2 * r + " entries");
    }
    return new Window(kernel, strides, dilations, pads);
  }

  private static int[] ones(int r) {
    int[] a = new int[r];
    Arrays.fill(a, 1);
    return a;
  }

  private static int[] kernelShape(OnnxNode n) {
    int[] k = n.ints("kernel_shape");
    if (k == null) {
      throw n.error("needs attribute 'kernel_shape'");
    }
    return k;
  }

  private static void conv(OnnxNode n, OnnxImporter g) {
    n.allow("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    Dyn x = g.dyn(n, 0);
    Const w = g.constant(n, 1);
    Const b = g.constant(n, 2);
    int[] kernel = Arrays.copyOfRange(w.shape(), 2, w.rank());
    if (n.ints("kernel_shape") != null && !Arrays.equals(kernel, n.ints("kernel_shape"))) {
      throw n.error("attribute 'kernel_shape' " + Arrays.toString(n.ints("kernel_shape")) + " differs from the weight "
          + Shapes.format(w.shape()));
    }
    Window win = window(n, x, kernel);
    int groups = (int) n.i("group", 1);
    int in = x.sample()[0];
    if (w.shape()[1] * groups != in) {
      throw n.error("weight " + Shapes.format(w.shape()) + " with group " + groups + " does not fit " + in
          + " input channels");
    }
    OnnxOps.layer(n, g, new Conv(g.name(n), in, w.shape()[0], kernel, win.strides(), win.pads(), win.dilations(),
        groups, w.floats(), b == null ? null : b.floats()));
  }

  /**
   * DeformConv (opset 19), as torchvision's deform_conv2d: inputs X, W, offset, B and mask, the offset and mask
   * computed by any branch; symmetric 2-d pads only (torchvision's).
   */
  private static void deformConv(OnnxNode n, OnnxImporter g) {
    n.allow("dilations", "group", "kernel_shape", "offset_group", "pads", "strides");
    if (n.opset < 19) {
      throw n.error("DeformConv is an opset 19 op but the model imports opset " + n.opset);
    }
    Dyn x = g.dyn(n, 0);
    Const w = g.requiredConstant(n, 1);
    Const b = g.constant(n, 3);
    if (w.rank() != 4) {
      throw n.error("weight of shape " + Shapes.format(w.shape()) + " is not supported (2-d only)");
    }
    int[] kernel = Arrays.copyOfRange(w.shape(), 2, 4);
    Window win = window(n, x, kernel);
    if (!win.symmetric()) {
      throw n.error("attribute 'pads' = " + Arrays.toString(win.pads()) + " is not supported (symmetric only)");
    }
    int groups = (int) n.i("group", 1);
    Dyn offset = g.dyn(n, 2);
    Dyn[] in = n.input(4).isEmpty() ? new Dyn[] {x, offset} : new Dyn[] {x, offset, g.dyn(n, 4)};
    g.define(n.outputs().get(0), g.emit(new dev.sparkconv.nn.DeformConvJoin(g.name(n), x.sample()[0], w.shape()[0],
        kernel, win.strides(), win.begin(), win.dilations(), groups, (int) n.i("offset_group", 1), w.floats(),
        b == null ? null : b.floats()), in));
  }

  /**
   * Weight (inC, outC / group, k...), as PyTorch's; asymmetric pads crop the full output; output_shape and
   * auto_pad SAME_* (output in * stride) give the pads by the spec's rule (SAME_UPPER: the odd one at the end).
   */
  private static void convTranspose(OnnxNode n, OnnxImporter g) {
    n.allow("auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads",
        "strides");
    String auto = n.s("auto_pad", "NOTSET");
    Dyn x = g.dyn(n, 0);
    Const w = g.constant(n, 1);
    Const b = g.constant(n, 2);
    int[] kernel = Arrays.copyOfRange(w.shape(), 2, w.rank());
    Window win = window(n, x, kernel);
    int groups = (int) n.i("group", 1);
    int[] outputPadding = n.ints("output_padding") != null ? n.ints("output_padding") : new int[kernel.length];
    int[] target = n.ints("output_shape");
    if (auto.startsWith("SAME") && target == null) { // the spec's rule: output in * stride, pads split below
      target = new int[kernel.length];
      for (int a = 0; a < kernel.length; a++) {
        target[a] = x.sample()[a + 1] * win.strides()[a];
      }
    }
    boolean upper = auto.equals("SAME_UPPER");
    if (target != null) { // the pads that give this size: the odd one at the start (ONNX's rule for NOTSET)
      int r = kernel.length;
      int[] pads = new int[2 * r];
      for (int a = 0; a < r; a++) {
        int full = win.strides()[a] * (x.sample()[a + 1] - 1) + outputPadding[a]
            + (kernel[a] - 1) * win.dilations()[a] + 1;
        int total = full - target[target.length - r + a];
        if (total < 0) {
          throw n.error("attribute 'output_shape' = " + Arrays.toString(target) + " is larger than the full output");
        }
        pads[a] = upper ? total / 2 : total - total / 2; // NOTSET and SAME_LOWER: the odd pad at the start
        pads[a + r] = total - pads[a];
      }
      win = new Window(kernel, win.strides(), win.dilations(), pads);
    }
    String name = g.name(n);
    boolean crop = !win.symmetric(); // asymmetric pads: the unpadded output, then cropped per axis
    Dyn y = g.emit(new ConvTranspose(crop ? g.unique(name + ".full") : name, x.sample()[0], w.shape()[1] * groups,
        kernel, win.strides(), crop ? new int[kernel.length] : win.begin(), outputPadding, win.dilations(), groups,
        w.floats(), b == null ? null : b.floats(), null), x);
    for (int a = 0, r = kernel.length; crop && a < r; a++) {
      int begin = win.pads()[a];
      int end = y.sample()[a + 1] - win.pads()[a + r];
      if (begin > 0 || end < y.sample()[a + 1]) {
        y = g.emit(new dev.sparkconv.nn.Slice(g.unique(name + ".crop" + a), a + 1, begin, end, 1), y);
      }
    }
    g.define(n.outputs().get(0), y);
  }

  private static void maxPool(OnnxNode n, OnnxImporter g) {
    n.allow("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
    n.only("storage_order", n.i("storage_order", 0), 0L);
    Dyn x = g.dyn(n, 0);
    Window win = window(n, x, kernelShape(n));
    String name = g.name(n);
    int[] padding = win.begin();
    if (!win.symmetric()) { // SAME_UPPER and the like: pad first with the lowest float, which no maximum picks
      // (every window of an ONNX pool holds an input element)
      x = prePad(g, name, x, win, -Float.MAX_VALUE);
      padding = new int[win.kernel().length];
    }
    MaxPool pool = new MaxPool(name, win.kernel(), win.strides(), padding, win.dilations(), n.i("ceil_mode", 0) != 0);
    g.define(n.outputs().get(0), g.emit(pool, x));
    if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
      throw n.error("output #1 (Indices) is not supported");
    }
  }

  private static void avgPool(OnnxNode n, OnnxImporter g) {
    n.allow("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
    Dyn x = g.dyn(n, 0);
    Window win = window(n, x, kernelShape(n));
    if (Arrays.stream(win.dilations()).anyMatch(d -> d != 1)) {
      throw n.error("attribute 'dilations' = " + Arrays.toString(win.dilations()) + " is not supported");
    }
    boolean countPad = n.i("count_include_pad", 0) != 0;
    String name = g.name(n);
    int[] padding = win.begin();
    if (!win.symmetric()) {
      if (!countPad) {
        throw n.error("asymmetric padding " + Arrays.toString(win.pads()) + " with count_include_pad = 0 is not "
            + "supported");
      }
      x = prePad(g, name, x, win, 0); // counted zeros: the same as zeros padded first
      padding = new int[win.kernel().length];
    }
    g.define(n.outputs().get(0), g.emit(new AvgPool(name, win.kernel(), win.strides(), padding,
        n.i("ceil_mode", 0) != 0, countPad), x));
  }

  /** A Pad node with the window's pads (F.pad order: (begin, end) from the last axis) and a constant. */
  private static Dyn prePad(OnnxImporter g, String name, Dyn x, Window win, float value) {
    int r = win.kernel().length;
    int[] pads = new int[2 * r];
    for (int a = 0; a < r; a++) {
      pads[2 * a] = win.pads()[r - 1 - a];
      pads[2 * a + 1] = win.pads()[2 * r - 1 - a];
    }
    return g.emit(new dev.sparkconv.nn.Pad(g.unique(name + ".pad"), pads, "constant", value), x);
  }

  private static void lpPool(OnnxNode n, OnnxImporter g) {
    n.allow("auto_pad", "kernel_shape", "p", "pads", "strides");
    Window win = window(n, g.dyn(n, 0), kernelShape(n));
    if (Arrays.stream(win.pads()).anyMatch(p -> p != 0)) {
      throw n.error("padding is not supported");
    }
    OnnxOps.layer(n, g, new LpPool(g.name(n), n.i("p", 2), win.kernel(), win.strides()));
  }

  /** alpha A B' + beta C with A computed (N, K) and B, C constants: a Linear with scaled weight and bias. */
  private static void gemm(OnnxNode n, OnnxImporter g) {
    n.allow("alpha", "beta", "transA", "transB");
    n.only("transA", n.i("transA", 0), 0L);
    Dyn x = g.dyn(n, 0);
    Const b = g.constant(n, 1);
    Const c = g.constant(n, 2);
    float alpha = n.f("alpha", 1);
    float beta = n.f("beta", 1);
    float[] w = n.i("transB", 0) != 0 ? b.floats() : transposed(b);
    int out = n.i("transB", 0) != 0 ? b.shape()[0] : b.shape()[1];
    for (int i = 0; i < w.length; i++) {
      w[i] *= alpha;
    }
    float[] bias = null;
    if (c != null) {
      if (c.size() != 1 && c.size() != out || c.rank() == 2 && c.shape()[0] != 1) {
        throw n.error("input C of shape " + Shapes.format(c.shape())
            + " is not supported (one value or one per output)");
      }
      bias = new float[out];
      for (int i = 0; i < out; i++) {
        bias[i] = beta * (float) c.values()[c.size() == 1 ? 0 : i];
      }
    }
    linear(n, g, x, w, out, bias);
  }

  /**
   * A computed (N, ..., K) times a constant (K, M): a Linear over the last axis without bias (a following Add may
   * become it).
   */
  private static void matMul(OnnxNode n, OnnxImporter g) {
    n.allow();
    if (g.input(n, 1) instanceof Dyn y) { // two computed tensors: batched over the leading axes
      g.define(n.outputs().get(0), g.emit(new dev.sparkconv.nn.MatMulJoin(g.name(n)),
          OnnxOps.sameRank(n, g.dyn(n, 0), y)));
      return;
    }
    Const b = g.constant(n, 1);
    if (b.rank() != 2) {
      throw n.error("a constant of shape " + Shapes.format(b.shape()) + " is not supported (a (K, M) matrix)");
    }
    Dyn x = g.dyn(n, 0);
    if (x.sample().length == 1) {
      linear(n, g, x, transposed(b), b.shape()[1], null);
      return;
    }
    int k = x.sample()[x.sample().length - 1];
    if (k != b.shape()[0]) {
      throw n.error("inner sizes differ: per-sample " + Shapes.format(x.sample()) + " times " + Shapes.format(b.shape()));
    }
    OnnxOps.layer(n, g, Linear.overLastAxis(g.name(n), k, b.shape()[1], transposed(b), null));
  }

  private static void linear(OnnxNode n, OnnxImporter g, Dyn x, float[] w, int out, float[] bias) {
    if (x.sample().length != 1) {
      throw n.error("needs a (N, K) input but gets per-sample shape " + Shapes.format(x.sample()));
    }
    OnnxOps.layer(n, g, new Linear(g.name(n), x.sample()[0], out, w, bias));
  }

  /** A 2-d constant (R, C) as (C, R), row-major. */
  private static float[] transposed(Const m) {
    if (m.rank() != 2) {
      throw new IllegalArgumentException("expected a matrix but got shape " + Shapes.format(m.shape()));
    }
    int r = m.shape()[0];
    int c = m.shape()[1];
    float[] t = new float[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = (float) m.values()[i * c + j];
      }
    }
    return t;
  }

  private static void batchNorm(OnnxNode n, OnnxImporter g) {
    n.allow("epsilon", "momentum", "training_mode", "spatial", "is_test");
    n.only("training_mode", n.i("training_mode", 0), 0L);
    n.only("spatial", n.i("spatial", 1), 1L);
    OnnxOps.layer(n, g, new BatchNorm(g.name(n), g.constant(n, 1).floats(), g.constant(n, 2).floats(),
        g.constant(n, 3).floats(), g.constant(n, 4).floats(), n.f("epsilon", 1e-5f)));
  }

  /** ONNX and PyTorch window the channels alike only for an odd size. */
  private static void lrn(OnnxNode n, OnnxImporter g) {
    n.allow("alpha", "beta", "bias", "size");
    int size = (int) n.i("size", 0);
    if (size % 2 == 0) {
      throw n.error("attribute 'size' = " + size + " is not supported (odd sizes only)");
    }
    OnnxOps.layer(n, g, new LocalResponseNorm(g.name(n), size, n.f("alpha", 1e-4f), n.f("beta", 0.75f),
        n.f("bias", 1f)));
  }

  /**
   * Resize / Upsample as PyTorch's F.interpolate: nearest with asymmetric coordinates and floor
   * rounding, (bi)linear with half_pixel (align_corners false) or align_corners coordinates, or bicubic (cubic with
   * cubic_coeff_a -0.75, PyTorch's A) with the same. Opset 18's axes name the axes scales or sizes cover;
   * antialias and a keep_aspect_ratio_policy other than stretch change the result and are refused.
   */
  private static void resize(OnnxNode n, OnnxImporter g) {
    n.allow("mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside",
        "extrapolation_value", "scales", "antialias", "axes", "keep_aspect_ratio_policy");
    Dyn x = g.dyn(n, 0);
    boolean modern = n.op.equals("Resize") && n.opset >= 11;
    String mode = n.s("mode", "nearest");
    n.only("mode", mode, "nearest", "linear", "bilinear", "cubic");
    String ctm = n.s("coordinate_transformation_mode", modern ? "half_pixel" : "asymmetric");
    n.only("exclude_outside", n.i("exclude_outside", 0), 0L);
    n.only("antialias", n.i("antialias", 0), 0L);
    n.only("keep_aspect_ratio_policy", n.s("keep_aspect_ratio_policy", "stretch"), "stretch");
    boolean align = false;
    if (mode.equals("nearest")) {
      n.only("coordinate_transformation_mode", ctm, "asymmetric");
      n.only("nearest_mode", n.s("nearest_mode", modern ? "round_prefer_floor" : "floor"), "floor");
    } else {
      n.only("coordinate_transformation_mode", ctm, "half_pixel", "pytorch_half_pixel", "align_corners");
      align = ctm.equals("align_corners");
    }
    if (mode.equals("cubic")) {
      n.only("cubic_coeff_a", n.f("cubic_coeff_a", -0.75f), -0.75f);
    }
    Const scales = n.has("scales") ? null : g.constant(n, modern ? 2 : 1);
    Const sizes = modern ? g.constant(n, 3) : null;
    double[] scale = null;
    int[] size = null;
    int r = x.rank();
    if (n.has("scales")) {
      float[] f = n.floats("scales");
      scale = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        scale[i] = f[i];
      }
    } else if (scales != null && scales.size() > 0) {
      scale = scales.values().clone();
    } else if (sizes != null) {
      size = Arrays.stream(sizes.longs()).mapToInt(Math::toIntExact).toArray();
    } else {
      throw n.error("needs scales or sizes");
    }
    int[] axes = n.ints("axes");
    if (axes != null) { // opset 18: entries for these axes only; the others keep their size
      double[] fullScale = scale == null ? null : new double[r];
      int[] fullSize = size == null ? null : OnnxOps.batched(x);
      if (fullScale != null) {
        Arrays.fill(fullScale, 1);
      }
      for (int k = 0; k < axes.length; k++) {
        int a = Folding.axis(axes[k], r);
        if (fullScale != null) {
          fullScale[a] = scale[k];
        } else {
          fullSize[a] = size[k];
        }
      }
      scale = fullScale;
      size = fullSize;
    }
    int given = scale != null ? scale.length : size.length;
    if (given != r || (scale != null ? scale[0] != 1 || scale[1] != 1 : size[1] != x.sample()[0])) {
      throw n.error("resizes the batch or channel axis, or has " + given + " entries for rank " + r);
    }
    String ours = mode.equals("nearest") ? "nearest" : mode.equals("cubic") ? "bicubic" : "bilinear";
    OnnxOps.layer(n, g, new Upsample(g.name(n), ours, size == null ? null : Arrays.copyOfRange(size, 2, r),
        scale == null ? null : Arrays.copyOfRange(scale, 2, r), align));
  }
}
