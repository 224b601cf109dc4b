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
