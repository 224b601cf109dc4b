package dev.sparkconv.kernel;

/** {@link Axpy} in plain loops: the fallback when the Vector API module is absent. */
final class ScalarAxpy implements Axpy {

  @Override
  public void axpy(int n, float a, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  @Override
  public void axpy3(int n, float a0, float a1, float a2, float[] x, int x0, int x1, int x2, float[] y,
      int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += a0 * x[x0 + i] + a1 * x[x1 + i] + a2 * x[x2 + i];
    }
  }

  @Override
  public void interleave2(int n, float bias, float[] x, int x0, int x1, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + 2 * i] = bias + x[x0 + i];
      y[yOff + 2 * i + 1] = bias + x[x1 + i];
    }
  }

  @Override
  public void window9(int n, float[] w, int wOff, float bias, float[] x, int[] off, int xBase, float[] y,
      int yOff) {
    for (int i = 0; i < n; i++) {
      float sum = bias;
      for (int t = 0; t < 9; t++) {
        sum += w[wOff + t] * x[xBase + off[t] + i];
      }
      y[yOff + i] = sum;
    }
  }

  @Override
  public void window3x3Rows2(int n, float[] w, int wOff, float bias, float[] x, int x0, int pitch, int dW,
      float[] y, int y0, int yPitch) {
    for (int row = 0; row < 2; row++) {
      for (int i = 0; i < n; i++) {
        float sum = bias;
        for (int kh = 0; kh < 3; kh++) {
          for (int kw = 0; kw < 3; kw++) {
            sum += w[wOff + 3 * kh + kw] * x[x0 + (row + kh) * pitch + kw * dW + i];
          }
        }
        y[y0 + row * yPitch + i] = sum;
      }
    }
  }

  @Override
  public void maxInto(int n, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
    }
  }

  @Override
  public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = x[xOff + i] + y[yOff + i];
    }
  }

  @Override
  public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += x[xOff + i] * y[yOff + i];
    }
    return sum;
  }

  @Override
  public void dots4(int n, float[] x, int x0, int ldx, float[] y, int yOff, float[] out, int outOff, int ldo) {
    for (int r = 0; r < 4; r++) {
      out[outOff + r * ldo] = dot(n, x, x0 + r * ldx, y, yOff);
    }
  }

  @Override
  public void dots4x4(int n, float[] x, int x0, int ldx, float[] y, int y0, int ldy, float[] out, int outOff) {
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        out[outOff + 4 * r + c] = dot(n, x, x0 + r * ldx, y, y0 + c * ldy);
      }
    }
  }

  @Override
  public void sigmoid(int n, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = (float) (1 / (1 + Math.exp(-x[xOff + i]))); // double: neither tail overflows
    }
  }

  @Override
  public void erf(int n, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = (float) dev.sparkconv.nn.Erf.erf(x[xOff + i]);
    }
  }
}
