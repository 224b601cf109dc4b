package dev.sparkconv.nn;

import dev.sparkconv.tensor.Shapes;

/**
 * Spatial pyramid pooling (He et al. 2014): for each level l the input (C, spatial...) is pooled
 * adaptively ({@link AdaptivePool}'s windows) to l per spatial axis, flattened, and the levels are
 * concatenated in order, so any input size gives C * sum(l^k) features (k spatial axes, 1 to 3).
 * Layout level-major, then channel, then position: torch.cat of adaptive_max_pool2d(x, l).flatten(1)
 * over the levels. Max by default, average optional; op "spp".
 */
public final class SpatialPyramidPool extends BaseLayer {
  private final int[] levels;
  private final boolean max;

  public SpatialPyramidPool(String name, int[] levels, boolean max) {
    super("spp", name);
    if (levels == null || levels.length == 0) {
      throw badParameter("levels", "must be a non-empty list of bin counts", levels == null ? "null" : "()");
    }
    for (int l : levels) {
      if (l < 1) {
        throw badParameter("levels", "must have entries >= 1", Shapes.format(levels));
      }
    }
    this.levels = levels.clone();
    this.max = max;
  }

  @Override
  public String op() {
    return "spp";
  }

  public int[] levels() {
    return levels.clone();
  }

  public boolean isMax() {
    return max;
  }

  /** Output features per channel for {@code rank} spatial axes: sum of level^rank. */
  private int binsPerChannel(int rank) {
    long bins = 0;
    for (int l : levels) {
      bins += (long) Math.pow(l, rank);
    }
    return (int) Math.min(bins, Integer.MAX_VALUE);
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in.length < 2 || in.length > 4 || Shapes.size(in) == 0) {
      throw new ShapeException(this, "(C, L), (C, H, W) or (C, D, H, W) with every dimension >= 1", in);
    }
    return new int[] {Shapes.size(in[0], binsPerChannel(in.length - 1))};
  }

  @Override
  void run(float[] in, float[] out, int batch, int[] inShape, ExecutionContext ctx) {
    int rank = inShape.length - 1;
    int c = inShape[0];
    int d = rank == 3 ? inShape[1] : 1;
    int h = rank >= 2 ? inShape[rank - 1] : 1;
    int w = inShape[rank];
    int plane = d * h * w;
    int features = c * binsPerChannel(rank);
    for (int n = 0; n < batch; n++) {
      int dst = n * features;
      for (int l : levels) {
        int od = rank == 3 ? l : 1;
        int oh = rank >= 2 ? l : 1;
        int bins = od * oh * l;
        for (int ch = 0; ch < c; ch++, dst += bins) {
          AdaptivePool.pool(max, in, (n * c + ch) * plane, d, h, w, out, dst, od, oh, l);
        }
      }
    }
  }
}
