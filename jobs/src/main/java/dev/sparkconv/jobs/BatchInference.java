package dev.sparkconv.jobs;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * Streams one partition through the network: admitted rows are gathered into batches of equal
 * shape (at most {@code batchSize}), each batch runs once, and one output row per input row
 * comes out with the same id. A refused row is handed, with the reason, to {@code refused} (when given) and
 * gives no output row. The batch buffer and the execution context belong to this task and are reused for every batch.
 */
final class BatchInference implements Iterator<Row> {
  private final Iterator<Row> input;
  private final Network network;
  private final String[] nodes;
  private final OutputFormat format;
  private final Admission admission;
  private final BiConsumer<Row, String> refused;
  private final ExecutionContext ctx = new ExecutionContext();
  private final int batchSize;
  private final LongAccumulator rowsDone;
  private final LayerTimes layerTimes;
  private boolean timesReported;
  private final String[] ids;
  private final ArrayDeque<Row> ready = new ArrayDeque<>();
  private float[] batch = new float[0];
  private int[] batchShape;
  private int count;
  private TensorRows.Encoded carried; // first sample of the next batch when the shape changed

  BatchInference(Iterator<Row> input, Network network, String[] nodes, OutputFormat format, int batchSize,
      LongAccumulator rowsDone, LayerTimes layerTimes) {
    this(input, new Admission(network, nodes), null, network, nodes, format, batchSize, rowsDone, layerTimes);
  }

  /** {@code refused}: told of each refused row and its reason; null drops them silently. */
  BatchInference(Iterator<Row> input, Admission admission, BiConsumer<Row, String> refused, Network network,
      String[] nodes, OutputFormat format, int batchSize, LongAccumulator rowsDone, LayerTimes layerTimes) {
    this.input = input;
    this.refused = refused;
    this.layerTimes = layerTimes;
    this.format = format;
    this.rowsDone = rowsDone;
    this.network = network;
    this.nodes = nodes;
    this.admission = admission;
    this.batchSize = batchSize;
    this.ids = new String[batchSize];
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && (carried != null || input.hasNext())) {
      fillAndRun();
    }
    if (ready.isEmpty() && !timesReported) { // the partition is done
      layerTimes.add(ctx.nodeNanos());
      timesReported = true;
    }
    return !ready.isEmpty();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void fillAndRun() {
    count = 0;
    batchShape = null;
    if (carried != null) {
      add(carried);
      carried = null;
    }
    while (count < batchSize && input.hasNext()) {
      Row row = input.next();
      TensorRows.Encoded sample;
      try {
        sample = admission.admit(row);
      } catch (BadRecordException bad) { // only the row's own defect; our own bugs propagate
        if (refused != null) {
          refused.accept(row, Admission.reason(bad));
        }
        continue;
      }
      if (batchShape != null && !Arrays.equals(sample.shape(), batchShape)) {
        carried = sample;
        break;
      }
      add(sample);
    }
    if (count > 0) {
      run();
    }
  }

  private void add(TensorRows.Encoded sample) {
    if (batchShape == null) {
      batchShape = sample.shape();
      int needed = batchSize * sample.size();
      if (batch.length < needed) {
        batch = new float[needed];
      }
    }
    sample.decodeInto(batch, count * sample.size()); // straight from the row's bytes into the batch
    ids[count++] = sample.id();
  }

  private void run() {
    Tensor in = Tensor.view(batch, Shapes.batched(count, batchShape));
    if (nodes.length == 0) {
      emit(network.forward(in, ctx), null);
    } else {
      Tensor[] outs = network.forward(in, ctx, nodes);
      for (int k = 0; k < nodes.length; k++) {
        emit(outs[k], nodes[k]);
      }
    }
    rowsDone.add(count);
  }

  /** One row per sample of {@code out} in the output format; with a node name, the row carries it. */
  private void emit(Tensor out, String node) {
    int[] outShape = Shapes.sample(out.shape());
    int outSize = Shapes.size(outShape);
    for (int i = 0; i < count; i++) {
      ready.add(format.row(ids[i], outShape, out.data(), i * outSize, outSize, node));
    }
  }
}
