package dev.sparkconv.jobs;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.nn.Network;
import java.util.Arrays;
import org.apache.spark.sql.Row;

/**
 * Decides, per row, whether the network can take it. The inference pass and the quarantine
 * pass both ask this, so every input row lands in exactly one of the two outputs.
 */
final class Admission {
  private final Network network;
  private final String[] nodes;
  private int[] lastAcceptedShape; // shape inference runs once per distinct shape, not per row

  /** {@code nodes}: the nodes whose outputs are wanted (empty: the network's output). */
  Admission(Network network, String[] nodes) {
    this.network = network;
    this.nodes = nodes;
  }

  /** The validated row (data not yet converted), or a {@link BadRecordException} naming the record and the reason. */
  TensorRows.Encoded admit(Row row) {
    TensorRows.Encoded sample = TensorRows.check(row);
    if (!Arrays.equals(sample.shape(), lastAcceptedShape)) {
      try {
        if (nodes.length == 0) {
          network.outputShape(sample.shape());
        } else {
          network.outputShapes(sample.shape(), nodes); // only the layers these nodes depend on are asked
        }
      } catch (IllegalArgumentException e) {
        throw new BadRecordException(sample.id(), "shape", "does not fit the model: " + e.getMessage());
      }
      lastAcceptedShape = sample.shape();
    }
    return sample;
  }

  /** The reason a row is refused, or null when it is admitted. */
  String refusal(Row row) {
    try {
      admit(row);
      return null;
    } catch (BadRecordException e) { // only the row's own defect; a bug in our code fails the task
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }
}
