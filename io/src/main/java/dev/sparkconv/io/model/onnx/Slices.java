package dev.sparkconv.io.model.onnx;

import java.util.Arrays;

/** Slice's starts, ends, axes and steps: attributes before opset 10, constant inputs since. */
record Slices(long[] starts, long[] ends, int[] axes, long[] steps) {
  static Slices of(OnnxNode n, OnnxImporter g, int rank) {
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (n.opset < 10) {
      n.allow("starts", "ends", "axes");
      starts = Arrays.stream(n.ints("starts")).asLongStream().toArray();
      ends = Arrays.stream(n.ints("ends")).asLongStream().toArray();
      axes = n.has("axes") ? Arrays.stream(n.ints("axes")).asLongStream().toArray() : null;
    } else {
      n.allow();
      starts = g.constant(n, 1).longs();
      ends = g.constant(n, 2).longs();
      axes = g.constant(n, 3) == null ? null : g.constant(n, 3).longs();
      steps = g.constant(n, 4) == null ? null : g.constant(n, 4).longs();
    }
    int[] ax = new int[starts.length];
    for (int k = 0; k < ax.length; k++) {
      ax[k] = Folding.axis(axes == null ? k : axes[k], rank);
    }
    if (steps == null) {
      steps = new long[starts.length];
      Arrays.fill(steps, 1);
    }
    return new Slices(starts, ends, ax, steps);
  }

  /** Python-style clamping of entry k for an axis of {@code size}: {start, end, step} within int range. */
  int[] bounds(int k, int size) {
    long step = steps[k];
    if (step == 0) {
      throw new IllegalArgumentException("slice step 0");
    }
    long start = starts[k] < 0 ? starts[k] + size : starts[k];
    long end = ends[k] < 0 ? ends[k] + size : ends[k];
    start = step > 0 ? Math.max(0, Math.min(size, start)) : Math.max(-1, Math.min(size - 1, start));
    end = step > 0 ? Math.max(0, Math.min(size, end)) : Math.max(-1, Math.min(size - 1, end));
    return new int[] {(int) start, (int) end, (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, step))};
  }

  /** The element indices entry k keeps along an axis of {@code size}. */
  int[] indices(int k, int size) {
    int[] b = bounds(k, size);
    int count = b[2] > 0 ? Math.max(0, (b[1] - b[0] + b[2] - 1) / b[2]) : Math.max(0, (b[0] - b[1] - b[2] - 1) / -b[2]);
    int[] idx = new int[count];
    for (int i = 0; i < count; i++) {
      idx[i] = b[0] + i * b[2];
    }
    return idx;
  }
}
