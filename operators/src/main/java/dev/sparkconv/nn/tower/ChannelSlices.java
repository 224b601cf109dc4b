package dev.sparkconv.nn.tower;

import dev.sparkconv.nn.BatchNorm;
import dev.sparkconv.nn.Conv;
import dev.sparkconv.nn.ConvTranspose;
import dev.sparkconv.nn.Layer;
import dev.sparkconv.nn.Linear;
import dev.sparkconv.nn.PRelu;
import java.util.Arrays;

/**
 * A layer cut down to output channels [lo, hi): the same layer class with that slice of its weights, so a
 * tower runs the layer's own arithmetic on its share. Weights are (out, ...) row blocks for Conv and Linear,
 * so a slice is one contiguous copy; a convolution's slice reads only the input channels of the groups its
 * outputs belong to ({@link #convInputs}).
 */
final class ChannelSlices {
  private ChannelSlices() {}

  /** Whether {@link #slice} knows how to cut this layer by output channel. */
  static boolean splittable(Layer layer) {
    return layer instanceof Conv || layer instanceof Linear
        || layer instanceof ConvTranspose t && t.groups() == 1;
  }

  /** Groups and output channels of a splittable layer: {groups, inChannels, outChannels}. */
  static int[] geometry(Layer layer) {
    if (layer instanceof Conv c) {
      return new int[] {c.groups(), c.inChannels(), c.outChannels()};
    }
    if (layer instanceof Linear l) {
      return new int[] {1, l.inFeatures(), l.outFeatures()};
    }
    ConvTranspose t = (ConvTranspose) layer;
    return new int[] {1, t.inChannels(), t.outChannels()};
  }

  /**
   * The input channels [lo, hi) that output channels [outLo, outHi) of a layer with this geometry read: the
   * channels of the groups those outputs belong to (all of them for an ungrouped layer).
   */
  static int[] convInputs(int[] geometry, int outLo, int outHi) {
    int groups = geometry[0];
    int inPerGroup = geometry[1] / groups;
    int outPerGroup = geometry[2] / groups;
    int first = outLo / outPerGroup;
    int last = (outHi + outPerGroup - 1) / outPerGroup;
    return new int[] {first * inPerGroup, last * inPerGroup};
  }

  /**
   * Whether output channels [lo, hi) are a valid slice: inside one group, or whole groups (so the slice is
   * again a grouped convolution of equal groups).
   */
  static boolean sliceable(int[] geometry, int lo, int hi) {
    int outPerGroup = geometry[2] / geometry[0];
    return lo < hi && (lo / outPerGroup == (hi - 1) / outPerGroup || lo % outPerGroup == 0 && hi % outPerGroup == 0);
  }

  /** Parameters of the slice [lo, hi) without building it. */
  static long sliceParameters(Layer layer, int lo, int hi) {
    int out = geometry(layer)[2];
    long bias = layer instanceof Conv c ? (c.bias() == null ? 0 : out)
        : layer instanceof Linear l ? (l.bias() == null ? 0 : out) : (((ConvTranspose) layer).bias() == null ? 0 : out);
    return (layer.parameterCount() - bias) / out * (hi - lo) + (bias == 0 ? 0 : hi - lo);
  }

  /** The layer computing output channels [lo, hi) only, from the input channels {@link #convInputs} names. */
  static Layer slice(Layer layer, int lo, int hi) {
    if (layer instanceof Conv c) {
      int[] geometry = geometry(c);
      int outPerGroup = c.outChannels() / c.groups();
      int groups = lo / outPerGroup == (hi - 1) / outPerGroup ? 1 : (hi - lo) / outPerGroup;
      int[] in = convInputs(geometry, lo, hi);
      float[] w = c.weight();
      int perOut = w.length / c.outChannels();
      return new Conv(c.name(), in[1] - in[0], hi - lo, c.kernel(), c.stride(), c.padding(), c.dilation(), groups,
          c.paddingMode(), c.flip(), Arrays.copyOfRange(w, lo * perOut, hi * perOut), range(c.bias(), lo, hi));
    }
    if (layer instanceof Linear l) {
      return new Linear(l.name(), l.inFeatures(), hi - lo,
          Arrays.copyOfRange(l.weight(), lo * l.inFeatures(), hi * l.inFeatures()), range(l.bias(), lo, hi));
    }
    ConvTranspose t = (ConvTranspose) layer; // groups == 1: weight (inC, outC, taps)
    float[] w = t.weight();
    int taps = w.length / (t.inChannels() * t.outChannels());
    float[] cut = new float[t.inChannels() * (hi - lo) * taps];
    for (int i = 0; i < t.inChannels(); i++) {
      System.arraycopy(w, (i * t.outChannels() + lo) * taps, cut, i * (hi - lo) * taps, (hi - lo) * taps);
    }
    return new ConvTranspose(t.name(), t.inChannels(), hi - lo, t.kernel(), t.stride(), t.padding(),
        t.outputPadding(), t.dilation(), 1, cut, range(t.bias(), lo, hi), t.outputSize());
  }

  /**
   * A channel-following layer for channels [lo, hi): its per-channel parameters cut (batch norm, PReLU with
   * one slope per channel); the layer itself when it has none. A batch norm keeps its folded scale and shift
   * bit for bit: x * scale / sqrt(1 + 0) + (shift - 0 * scale).
   */
  static Layer follow(Layer layer, int lo, int hi) {
    if (layer instanceof BatchNorm bn) {
      float[] ones = new float[hi - lo];
      Arrays.fill(ones, 1f);
      return new BatchNorm(bn.name(), range(bn.scale(), lo, hi), range(bn.shift(), lo, hi), new float[hi - lo], ones,
          0f);
    }
    if (layer instanceof PRelu p && p.slopes().length > 1) {
      return new PRelu(p.name(), range(p.slopes(), lo, hi));
    }
    return layer;
  }

  private static float[] range(float[] values, int lo, int hi) {
    return values == null ? null : Arrays.copyOfRange(values, lo, hi);
  }
}
