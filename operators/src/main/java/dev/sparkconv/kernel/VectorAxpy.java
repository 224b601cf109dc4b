package dev.sparkconv.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Axpy} on the JDK Vector API ({@link FloatVector#SPECIES_PREFERRED}, like
 * {@link VectorMicroKernel}), full vectors then a scalar tail. Loaded reflectively by
 * {@link Kernels} only when {@code jdk.incubator.vector} is in the boot layer.
 */
public final class VectorAxpy implements Axpy {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.broadcast(S, a).fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  @Override
  public void axpy3(int n, float a0, float a1, float a2, float[] x, int x0, int x1, int x2, float[] y,
      int yOff) {
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector acc = FloatVector.broadcast(S, a0).fma(FloatVector.fromArray(S, x, x0 + i),
          FloatVector.fromArray(S, y, yOff + i));
      acc = FloatVector.broadcast(S, a1).fma(FloatVector.fromArray(S, x, x1 + i), acc);
      FloatVector.broadcast(S, a2).fma(FloatVector.fromArray(S, x, x2 + i), acc).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] += a0 * x[x0 + i] + a1 * x[x1 + i] + a2 * x[x2 + i];
    }
  }

  @Override
  public void window9(int n, float[] w, int wOff, float bias, float[] x, int[] off, float[] y, int yOff) {
    float w0 = w[wOff], w1 = w[wOff + 1], w2 = w[wOff + 2], w3 = w[wOff + 3], w4 = w[wOff + 4];
    float w5 = w[wOff + 5], w6 = w[wOff + 6], w7 = w[wOff + 7], w8 = w[wOff + 8];
    int o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5], o6 = off[6], o7 = off[7];
    int o8 = off[8];
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector acc = FloatVector.broadcast(S, w0).fma(FloatVector.fromArray(S, x, o0 + i),
          FloatVector.broadcast(S, bias));
      acc = FloatVector.broadcast(S, w1).fma(FloatVector.fromArray(S, x, o1 + i), acc);
      acc = FloatVector.broadcast(S, w2).fma(FloatVector.fromArray(S, x, o2 + i), acc);
      acc = FloatVector.broadcast(S, w3).fma(FloatVector.fromArray(S, x, o3 + i), acc);
      acc = FloatVector.broadcast(S, w4).fma(FloatVector.fromArray(S, x, o4 + i), acc);
      acc = FloatVector.broadcast(S, w5).fma(FloatVector.fromArray(S, x, o5 + i), acc);
      acc = FloatVector.broadcast(S, w6).fma(FloatVector.fromArray(S, x, o6 + i), acc);
      acc = FloatVector.broadcast(S, w7).fma(FloatVector.fromArray(S, x, o7 + i), acc);
      FloatVector.broadcast(S, w8).fma(FloatVector.fromArray(S, x, o8 + i), acc).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = bias + w0 * x[o0 + i] + w1 * x[o1 + i] + w2 * x[o2 + i] + w3 * x[o3 + i] + w4 * x[o4 + i]
          + w5 * x[o5 + i] + w6 * x[o6 + i] + w7 * x[o7 + i] + w8 * x[o8 + i];
    }
  }

  @Override
  public void maxInto(int n, float[] x, int xOff, float[] y, int yOff) {
    int bound = n - n % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(S, y, yOff + i).max(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
    }
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    // Two accumulators hide the FMA latency; the loads, not the FMAs, bound a dot product.
    FloatVector acc0 = FloatVector.zero(S);
    FloatVector acc1 = FloatVector.zero(S);
    int bound2 = n - n % (2 * L);
    int i = 0;
    for (; i < bound2; i += 2 * L) {
      acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
      acc1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), acc1);
    }
    float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += x[xOff + i] * y[yOff + i];
    }
    return sum;
  }
}
