package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;
import java.util.Arrays;

/**
 * Repeats the input along each per-sample axis (ONNX Tile, torch's repeat; ONNX Expand, which broadcasts size-1
 * axes, is a Tile of those axes): out[i] = in[i mod inSize] per axis. Op "tile".
 */
public final class Tile extends BaseLayer {
  private final int[] repeats;

  public Tile(String name, int[] repeats) {
    super("tile", name);
    if (repeats == null || repeats.length == 0 || Arrays.stream(repeats).anyMatch(r -> r < 1)) {
      throw badParameter("repeats", "must hold a count >= 1 per sample axis",
          repeats == null ? "null" : Arrays.toString(repeats));
    }
    this.repeats = repeats.clone();
  }

  @Override
  public String op() {
    return "tile";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length != repeats.length) {
      throw new ShapeException(this, "an input of rank " + repeats.length, in);
    }
    int[] out = new int[in.length];
    for (int a = 0; a < in.length; a++) {
      out[a] = in[a] * repeats[a];
    }
    return out;
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int inSize = Shapes.size(inShape);
    int outSize = Shapes.size(outputShape(inShape));
    for (int n = 0; n < batch; n++) {
      copy(0, inShape, in, n * inSize, out, n * outSize);
    }
  }

  /** Axis {@code axis} on: the input block once, then the output block repeated; returns the output block size. */
  private int copy(int axis, int[] dims, float[] in, int src, float[] out, int dst) {
    int inner = Shapes.size(Arrays.copyOfRange(dims, axis + 1, dims.length));
    int block = 0;
    for (int i = 0; i < dims[axis]; i++) {
      if (axis == dims.length - 1) {
        out[dst + block] = in[src + i];
        block++;
      } else {
        block += copy(axis + 1, dims, in, src + i * inner, out, dst + block);
      }
    }
    for (int r = 1; r < repeats[axis]; r++) {
      System.arraycopy(out, dst, out, dst + r * block, block);
    }
    return block * repeats[axis];
  }
}
