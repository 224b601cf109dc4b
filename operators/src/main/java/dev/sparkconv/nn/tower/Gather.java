package dev.sparkconv.nn.tower;

import dev.sparkconv.tensor.Shapes;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The exchange after a stage: every tower's piece of each sample comes together into one pack, the input of
 * the next stage on every tower (or, after the last stage, the outputs). A pack is the listed tensors, whole,
 * flattened one after the other. A tensor split by output channel in that stage arrives as one channel block
 * per tower, in tower order (a channel block of a C-order (C, ...) tensor is contiguous); a whole tensor
 * comes from tower 0 alone. Small and immutable: it travels with the tasks.
 */
public final class Gather implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int after;
  private final String[] tensors;
  private final int[][] shapes;
  /** pieceLengths[i][t]: floats of tensor i in tower t's piece (0 when tower t sends none of it). */
  private final int[][] pieceLengths;

  Gather(int after, String[] tensors, int[][] shapes, int[][] pieceLengths) {
    this.after = after;
    this.tensors = tensors;
    this.shapes = shapes;
    this.pieceLengths = pieceLengths;
  }

  /** The stage whose outputs this gathers. */
  public int after() {
    return after;
  }

  public String[] tensors() {
    return tensors.clone();
  }

  public int[] shape(int tensor) {
    return shapes[tensor].clone();
  }

  public int towers() {
    return pieceLengths.length == 0 ? 0 : pieceLengths[0].length;
  }

  /** Floats per sample in the pack: every listed tensor, whole. */
  public int packSize() {
    int total = 0;
    for (int[] shape : shapes) {
      total += Shapes.size(shape);
    }
    return total;
  }

  /** Floats per sample tower {@code t} sends; 0 when it takes no part in the stage. */
  public int pieceSize(int tower) {
    int total = 0;
    for (int[] lengths : pieceLengths) {
      total += lengths[tower];
    }
    return total;
  }

  /** Bytes per sample this gather moves into one pack (float32): what every reader of the pack fetches. */
  public long bytesPerSample() {
    return 4L * packSize();
  }

  /** Where tensor {@code i} starts in the pack. */
  public int offset(int tensor) {
    int offset = 0;
    for (int i = 0; i < tensor; i++) {
      offset += Shapes.size(shapes[i]);
    }
    return offset;
  }

  /**
   * One sample's pack from the towers' pieces ({@code pieces[t]} from {@code pieceOffsets[t]}; a tower that
   * sends nothing may be null), written at {@code packOffset}.
   */
  public void assemble(float[][] pieces, int[] pieceOffsets, float[] pack, int packOffset) {
    int[] read = pieceOffsets.clone();
    int write = packOffset;
    for (int[] lengths : pieceLengths) {
      for (int t = 0; t < lengths.length; t++) {
        if (lengths[t] > 0) {
          System.arraycopy(pieces[t], read[t], pack, write, lengths[t]);
          read[t] += lengths[t];
        }
        write += lengths[t];
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("gather after stage " + after + ":");
    for (int i = 0; i < tensors.length; i++) {
      s.append(' ').append(tensors[i]).append(Shapes.format(shapes[i])).append(Arrays.toString(pieceLengths[i]));
    }
    return s.toString();
  }
}
