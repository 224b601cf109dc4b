package dev.sparkconv.kernel;

/**
 * {@link Nchwc} in plain loops, for any block B: the reference the vector kernels are tested against (a network
 * plan never runs the blocked layout on the scalar kernel, where B would be 1).
 */
public final class ScalarNchwc implements Nchwc {
  private final int block;

  public ScalarNchwc(int block) {
    if (block < 1) {
      throw new IllegalArgumentException("block must be positive, got " + block);
    }
    this.block = block;
  }

  @Override
  public int block() {
    return block;
  }

  @Override
  public void globalAverage(float[] in, int inOff, int channels, int positions, float[] out, int outOff) {
    for (int ch = 0; ch < channels; ch++) {
      int s = inOff + ch / block * positions * block + ch % block;
      double sum = 0;
      for (int p = 0; p < positions; p++) {
        sum += in[s + p * block];
      }
      out[outOff + ch] = (float) (sum / positions);
    }
  }

  @Override
  public void depthwise(float[] in, int inOff, Window g, float[] weights, float[] bias, float lo, float hi,
      float[] out, int outOff, float[] rows) {
    int b = block;
    int taps = g.kH() * g.kW();
    for (int cb = 0; cb < g.blocks(); cb++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          for (int c = 0; c < b; c++) {
            float acc = bias[cb * b + c];
            for (int kh = 0; kh < g.kH(); kh++) {
              int ih = oh * g.sH() - g.padH() + kh * g.dH();
              for (int kw = 0; kw < g.kW() && ih >= 0 && ih < g.inH(); kw++) {
                int iw = ow * g.sW() - g.padW() + kw * g.dW();
                if (iw >= 0 && iw < g.inW()) {
                  acc += in[inOff + ((cb * g.inH() + ih) * g.inW() + iw) * b + c]
                      * weights[(cb * taps + kh * g.kW() + kw) * b + c];
                }
              }
            }
            out[outOff + ((cb * g.outH() + oh) * g.outW() + ow) * b + c] = Math.min(Math.max(acc, lo), hi);
          }
        }
      }
    }
  }

  @Override
  public void pointwise(float[] in, int inOff, int inBlocks, int positions, float[] weights, float[] bias,
      int outBlocks, float lo, float hi, int chunk, float[] out, int outOff) {
    int b = block;
    int inPadded = inBlocks * b;
    for (int o = 0; o < outBlocks * b; o++) {
      int pairStart = o / (2 * b) * 2 * b;
      int width = Math.min(2 * b, outBlocks * b - pairStart);
      for (int p = 0; p < positions; p++) {
        float acc = bias[o];
        for (int i = 0; i < inPadded; i++) {
          acc += in[inOff + (i / b * positions + p) * b + i % b] * weights[pairStart * inPadded + i * width + o
              - pairStart];
        }
        out[outOff + (o / b * positions + p) * b + o % b] = Math.min(Math.max(acc, lo), hi);
      }
    }
  }

  @Override
  public void direct(float[] in, int inOff, Window g, int outBlocks, float[] weights, int wOff, float[] bias,
      int biasOff, float lo, float hi, int chunk, float[] out, int outOff) {
    int b = block;
    int ib = g.inBlock();
    int taps = g.kD() * g.kH() * g.kW();
    int inPadded = g.blocks() * ib;
    int positions = g.outPositions();
    for (int o = 0; o < outBlocks * b; o++) {
      int pairStart = o / (2 * b) * 2 * b;
      int width = Math.min(2 * b, outBlocks * b - pairStart);
      for (int p = 0; p < positions; p++) {
        int od = p / (g.outH() * g.outW());
        int oh = p / g.outW() % g.outH();
        int ow = p % g.outW();
        float acc = bias[biasOff + o];
        for (int i = 0; i < inPadded; i++) {
          for (int t = 0; t < taps; t++) {
            int id = od * g.sD() + t / (g.kH() * g.kW()) * g.dD();
            int ih = oh * g.sH() + t / g.kW() % g.kH() * g.dH();
            int iw = ow * g.sW() + t % g.kW() * g.dW();
            acc += in[inOff + (((i / ib * g.inD() + id) * g.inH() + ih) * g.inW() + iw) * ib + i % ib]
                * weights[wOff + pairStart * inPadded * taps + ((i / ib * taps + t) * ib + i % ib) * width + o
                    - pairStart];
          }
        }
        out[outOff + (o / b * positions + p) * b + o % b] = Math.min(Math.max(acc, lo), hi);
      }
    }
  }
}
