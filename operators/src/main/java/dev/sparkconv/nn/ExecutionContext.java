package dev.sparkconv.nn;

import dev.sparkconv.kernel.Gemm;

/**
 * Per-task mutable state: the GEMM with its packing workspaces and grow-only scratch buffers.
 * Several tasks share an executor JVM, so a context is never shared and never static.
 */
public final class ExecutionContext {
  private final Gemm gemm = new Gemm();
  private float[][] scratch = new float[8][];
  private long[] nodeNanos = new long[0];

  public Gemm gemm() {
    return gemm;
  }

  /**
   * A buffer of at least {@code minSize} floats for slot {@code slot}, reused across calls.
   * Contents are unspecified; slots let one operation hold several buffers at once.
   */
  public float[] scratch(int slot, int minSize) {
    if (slot >= scratch.length) {
      scratch = java.util.Arrays.copyOf(scratch, slot + 1);
    }
    float[] buf = scratch[slot];
    if (buf == null || buf.length < minSize) {
      buf = new float[minSize];
      scratch[slot] = buf;
    }
    return buf;
  }

  /**
   * Adds the time a network node (by its index in {@link Network#nodes()}) took in one run, converting its inputs
   * to its layout (and a requested blocked output back to plain) included: the shares then add up to the run.
   */
  void addNodeTime(int node, long nanos) {
    if (node >= nodeNanos.length) {
      nodeNanos = java.util.Arrays.copyOf(nodeNanos, node + 1);
    }
    nodeNanos[node] += nanos;
  }

  /** Nanoseconds spent in each network node so far, by node index (a copy). */
  public long[] nodeNanos() {
    return nodeNanos.clone();
  }
}
