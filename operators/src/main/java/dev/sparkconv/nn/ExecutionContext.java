package dev.sparkconv.nn;

import dev.sparkconv.kernel.Gemm;

/**
 * Per-task mutable state: the GEMM with its packing workspaces and grow-only scratch buffers.
 * Several tasks share an executor JVM, so a context is never shared and never static.
 */
public final class ExecutionContext {
  private final Gemm gemm = new Gemm();
  private float[][] scratch = new float[8][];

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
}
