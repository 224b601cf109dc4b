package dev.sparkconv.jobs;

import java.util.Arrays;
import org.apache.spark.util.AccumulatorV2;

/** Sums, over every task, the nanoseconds each network node took (indexed like Network.nodes()). */
final class LayerTimes extends AccumulatorV2<long[], long[]> {
  private long[] nanos = new long[0];

  @Override
  public boolean isZero() {
    return Arrays.stream(nanos).allMatch(n -> n == 0);
  }

  @Override
  public LayerTimes copy() {
    LayerTimes c = new LayerTimes();
    c.nanos = nanos.clone();
    return c;
  }

  @Override
  public void reset() {
    nanos = new long[0];
  }

  @Override
  public void add(long[] v) {
    if (v.length > nanos.length) {
      nanos = Arrays.copyOf(nanos, v.length);
    }
    for (int i = 0; i < v.length; i++) {
      nanos[i] += v[i];
    }
  }

  @Override
  public void merge(AccumulatorV2<long[], long[]> other) {
    add(other.value());
  }

  @Override
  public long[] value() {
    return nanos.clone();
  }
}
