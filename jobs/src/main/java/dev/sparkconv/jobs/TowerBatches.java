package dev.sparkconv.jobs;

import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.tower.Gather;
import dev.sparkconv.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * One tower's stage over a partition: flat samples (id, pack) in, batched through the tower's sub-network,
 * one (id, piece) out per sample. The batch buffer and the execution context belong to this task.
 */
final class TowerBatches implements Iterator<Tuple2<String, Piece>> {
  private final Iterator<Tuple2<String, float[]>> input;
  private final Network network;
  private final int tower;
  private final int batchSize;
  private final LongAccumulator samples;
  private final ExecutionContext ctx = new ExecutionContext();
  private final ArrayDeque<Tuple2<String, Piece>> ready = new ArrayDeque<>();
  private final String[] ids;
  private float[] batch = new float[0];

  TowerBatches(Iterator<Tuple2<String, float[]>> input, Network network, int tower, int batchSize,
      LongAccumulator samples) {
    this.input = input;
    this.network = network;
    this.tower = tower;
    this.batchSize = batchSize;
    this.samples = samples;
    this.ids = new String[batchSize];
  }

  @Override
  public boolean hasNext() {
    if (ready.isEmpty() && input.hasNext()) {
      runBatch();
    }
    return !ready.isEmpty();
  }

  @Override
  public Tuple2<String, Piece> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void runBatch() {
    int size = network.inputShape()[0];
    if (batch.length < batchSize * size) {
      batch = new float[batchSize * size];
    }
    int count = 0;
    while (count < batchSize && input.hasNext()) {
      Tuple2<String, float[]> sample = input.next();
      System.arraycopy(sample._2(), 0, batch, count * size, size);
      ids[count++] = sample._1();
    }
    Tensor out = network.forward(Tensor.view(batch, count, size), ctx);
    int piece = out.dim(1);
    for (int i = 0; i < count; i++) {
      float[] values = new float[piece];
      System.arraycopy(out.data(), i * piece, values, 0, piece);
      ready.add(new Tuple2<>(ids[i], new Piece(tower, values)));
    }
    samples.add(count);
  }

  /** One sample's pack from the towers' pieces a gather brought together. */
  static float[] assemble(Gather gather, Iterable<Piece> pieces) {
    float[][] byTower = new float[gather.towers()][];
    for (Piece p : pieces) {
      byTower[p.tower] = p.values;
    }
    for (int t = 0; t < byTower.length; t++) {
      if (gather.pieceSize(t) > 0 && (byTower[t] == null || byTower[t].length != gather.pieceSize(t))) {
        throw new IllegalStateException(gather + ": tower " + t + "'s piece is missing or has the wrong size");
      }
    }
    float[] pack = new float[gather.packSize()];
    gather.assemble(byTower, new int[byTower.length], pack, 0);
    return pack;
  }
}
