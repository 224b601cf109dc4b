package dev.sparkconv.jobs;

import dev.sparkconv.nn.Network;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * One partition of {@link ConvFeaturizer}: every input row with its columns kept and the features
 * appended. The tensors go through the CLI's own {@link BatchInference} (same admission, batching
 * and workspaces); its outputs come in input order, one per admitted row, so they are zipped back
 * onto the rows kept in a FIFO. A refused row gets null features and the reason, or is dropped.
 */
final class FeaturizedRows implements Iterator<Row> {
  private final Iterator<Row> input;
  private final int tensorColumn; // -1: the tensor columns are the row's own
  private final boolean keepRefused;
  private final Admission admission;
  private final ArrayDeque<Row> originals = new ArrayDeque<>();
  private final ArrayDeque<String> refusals = new ArrayDeque<>(); // "" when admitted
  private final BatchInference inference;

  FeaturizedRows(Iterator<Row> input, Network network, String[] nodes, OutputFormat format, int batchSize,
      int tensorColumn, boolean keepRefused, LongAccumulator rowsDone, LayerTimes layerTimes) {
    this.input = input;
    this.tensorColumn = tensorColumn;
    this.keepRefused = keepRefused;
    this.admission = new Admission(network, nodes);
    this.inference = new BatchInference(new Tee(), network, nodes, format, batchSize, rowsDone, layerTimes);
  }

  /** Hands the tensors to the inference and remembers each row and whether it was admitted. */
  private final class Tee implements Iterator<Row> {
    @Override
    public boolean hasNext() {
      return input.hasNext();
    }

    @Override
    public Row next() {
      Row row = input.next();
      Row tensor = tensorColumn < 0 ? row : row.isNullAt(tensorColumn) ? null : row.getStruct(tensorColumn);
      String reason = tensor == null ? "the tensor column is null" : admission.refusal(tensor);
      originals.add(row);
      refusals.add(reason == null ? "" : reason);
      return tensor == null ? RowFactory.create() : tensor; // an empty row is refused the same way
    }
  }

  @Override
  public boolean hasNext() {
    while (true) {
      if (!originals.isEmpty()) {
        if (keepRefused || refusals.peek().isEmpty()) {
          return true;
        }
        originals.poll();
        refusals.poll();
      } else if (!input.hasNext()) {
        inference.hasNext(); // lets it report its layer times once the partition is done
        return false;
      } else {
        inference.hasNext(); // pulls at least one row into the FIFO
      }
    }
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Row row = originals.poll();
    String reason = refusals.poll();
    Object features = reason.isEmpty() ? inference.next().get(1) : null;
    Object[] values = Arrays.copyOf(rowValues(row), row.length() + (keepRefused ? 2 : 1));
    values[row.length()] = features;
    if (keepRefused) {
      values[row.length() + 1] = reason.isEmpty() ? null : reason;
    }
    return RowFactory.create(values);
  }

  private static Object[] rowValues(Row row) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return values;
  }
}
