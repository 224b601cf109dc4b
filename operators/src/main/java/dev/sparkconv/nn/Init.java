package dev.sparkconv.nn;

import java.util.SplittableRandom;

/**
 * Deterministic weights for tests, demos and seeded model specs. SplittableRandom's sequence is fixed
 * by its specification for a given seed, so every JVM and every executor builds the same model.
 */
public final class Init {
  private Init() {}

  /** {@code count} values uniform in [-bound, bound); use bound = 1/sqrt(fanIn) like PyTorch's default. */
  public static float[] uniform(long seed, int count, float bound) {
    if (count < 0) {
      throw new IllegalArgumentException("Init.uniform: parameter 'count' must be >= 0 but is " + count);
    }
    if (!(bound >= 0) || Float.isInfinite(bound)) {
      throw new IllegalArgumentException("Init.uniform: parameter 'bound' must be finite and >= 0 but is " + bound);
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
    return values;
  }

  /**
   * The seed of one named tensor ("weight", "bias", ...) of one layer. String.hashCode is fixed by
   * the language specification, so the same spec gives the same weights on every JVM.
   */
  public static long tensorSeed(long modelSeed, int layerIndex, String tensor) {
    return (modelSeed * 1_000_003L + layerIndex) * 31L + tensor.hashCode();
  }
}
