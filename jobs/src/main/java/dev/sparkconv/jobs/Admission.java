package dev.sparkconv.jobs;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.NpyArray;
import dev.sparkconv.io.image.Preprocess;
import dev.sparkconv.nn.Network;
import java.util.Arrays;
import org.apache.spark.sql.Row;

/**
 * Decides, per row, whether the network can take it: the inference job's one pass admits or refuses each row
 * (so every input row lands in exactly one of its two outputs); ConvFeaturizer asks {@link #refusal} ahead.
 */
final class Admission {
  private final Network network;
  private final String[] nodes;
  private final Preprocess preprocess;
  private int[] lastAcceptedShape; // shape inference runs once per distinct shape, not per row

  /** {@code nodes}: the nodes whose outputs are wanted (empty: the network's output). */
  Admission(Network network, String[] nodes) {
    this(network, nodes, null);
  }

  /**
   * {@code preprocess}: the model's declared preprocessing, applied to raw images (uint8 C x H x W rows);
   * null when rows go in as they are.
   */
  Admission(Network network, String[] nodes, Preprocess preprocess) {
    this.network = network;
    this.nodes = nodes;
    this.preprocess = preprocess;
  }

  /**
   * The validated row, ready for the network (a raw image preprocessed, else the stored bytes), or a
   * {@link BadRecordException} naming the record and the reason.
   */
  TensorRows.Encoded admit(Row row) {
    TensorRows.Encoded sample = TensorRows.check(row);
    if (preprocesses(sample)) {
      NpyArray image = preprocess.apply(new NpyArray(sample.shape(), sample.dtype(), sample.data()));
      sample = new TensorRows.Encoded(sample.id(), image.shape(), image.dtype(), image.data());
    }
    fits(sample.id(), sample.shape());
    return sample;
  }

  /** Why {@link #admit} refuses the row, or null when it admits it. */
  String reason(Row row) {
    try {
      admit(row);
      return null;
    } catch (BadRecordException e) { // only the row's own defect; a bug in our code fails the task
      return reason(e);
    }
  }

  static String reason(BadRecordException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Whether the row is a raw image this model preprocesses; fails when the image cannot be. */
  private boolean preprocesses(TensorRows.Encoded sample) {
    if (preprocess == null || !sample.dtype().equals(NpyArray.UINT8) || sample.shape().length != 3) {
      return false;
    }
    try {
      preprocess.checkChannels(sample.shape()[0]);
      return true;
    } catch (IllegalArgumentException e) {
      throw new BadRecordException(sample.id(), "shape", "does not fit the model's preprocessing: " + e.getMessage());
    }
  }

  private void fits(String id, int[] shape) {
    if (!Arrays.equals(shape, lastAcceptedShape)) {
      try {
        if (nodes.length == 0) {
          network.outputShape(shape);
        } else {
          network.outputShapes(shape, nodes); // only the layers these nodes depend on are asked
        }
      } catch (IllegalArgumentException e) {
        throw new BadRecordException(id, "shape", "does not fit the model: " + e.getMessage());
      }
      lastAcceptedShape = shape;
    }
  }

  /** The reason a row is refused, or null when it is admitted. */
  String refusal(Row row) {
    try {
      TensorRows.Encoded sample = TensorRows.check(row);
      boolean raw = preprocesses(sample);
      int[] size = raw ? preprocess.outputSize() : null; // known without preprocessing when the spec crops
      if (raw && size == null) {
        admit(row);
      } else {
        fits(sample.id(), raw ? new int[] {sample.shape()[0], size[0], size[1]} : sample.shape());
      }
      return null;
    } catch (BadRecordException e) { // only the row's own defect; a bug in our code fails the task
      return reason(e);
    }
  }
}
