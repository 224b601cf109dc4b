package dev.sparkconv.nn;

import dev.sparkconv.kernel.Gemm;
import java.util.function.Function;

/**
 * One layer's weights packed for the GEMM (a {@link Gemm.PackedA} per group, or per Winograd position), made on
 * first use and then shared, read-only, by every plan and task of the JVM. Packed again for a GEMM of another
 * {@link Gemm.Layout}; tasks racing to pack may each pack, and any result wins. The field is transient: a
 * broadcast layer arrives with an empty cache and packs on its executor, packed weights are never shipped.
 */
public final class PackedWeights {
  private transient volatile Gemm.PackedA[] packed;

  /** The weights packed for {@code gemm}'s layout, by {@code pack} when not cached yet. */
  Gemm.PackedA[] get(Gemm gemm, Function<Gemm, Gemm.PackedA[]> pack) {
    Gemm.PackedA[] p = packed;
    if (p == null || !gemm.fits(p[0])) {
      p = pack.apply(gemm);
      packed = p;
    }
    return p;
  }

  /**
   * op(A) of each of {@code groups} groups packed: group g's m x k matrix (stored k x m when {@code transA}) starts
   * at g * m * k in {@code weight}.
   */
  static Gemm.PackedA[] perGroup(Gemm gemm, boolean transA, int groups, int m, int k, float[] weight) {
    Gemm.PackedA[] packed = new Gemm.PackedA[groups];
    for (int g = 0; g < groups; g++) {
      packed[g] = gemm.pack(transA, m, k, weight, g * m * k, transA ? m : k);
    }
    return packed;
  }
}
