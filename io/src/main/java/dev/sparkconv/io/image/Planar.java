package dev.sparkconv.io.image;

import dev.sparkconv.io.NpyArray;

/** A uint8 image in planar (C x H x W) order, as the samples store it: 1 (grey) or 3 (RGB) channels. */
public record Planar(int channels, int height, int width, byte[] data) {
  public Planar {
    if (channels < 1 || height < 1 || width < 1 || data.length != channels * height * width) {
      throw new IllegalArgumentException("planar image " + channels + "x" + height + "x" + width + " with "
          + data.length + " bytes");
    }
  }

  /** A uint8 {@code C x H x W} array; anything else is refused with its shape. */
  public static Planar of(NpyArray a) {
    int[] s = a.shape();
    if (!NpyArray.UINT8.equals(a.dtype()) || s.length != 3) {
      throw new IllegalArgumentException("expected a uint8 C x H x W image but got " + a.dtype() + " "
          + java.util.Arrays.toString(s));
    }
    return new Planar(s[0], s[1], s[2], a.data());
  }

  public NpyArray toNpy() {
    return new NpyArray(new int[] {channels, height, width}, NpyArray.UINT8, data);
  }

  /** Grey replicated to RGB, or RGB to grey as PIL's convert('L') does it (ITU-R 601-2 luma, 16-bit fixed point). */
  Planar withChannels(int want) {
    if (want == channels) {
      return this;
    }
    int n = height * width;
    byte[] out = new byte[want * n];
    if (want == 3 && channels == 1) {
      for (int c = 0; c < 3; c++) {
        System.arraycopy(data, 0, out, c * n, n);
      }
    } else if (want == 1 && channels == 3) {
      for (int i = 0; i < n; i++) {
        int l = (data[i] & 0xFF) * 19595 + (data[n + i] & 0xFF) * 38470 + (data[2 * n + i] & 0xFF) * 7471 + 0x8000;
        out[i] = (byte) (l >> 16);
      }
    } else {
      throw new IllegalArgumentException("cannot convert " + channels + " channels to " + want);
    }
    return new Planar(want, height, width, out);
  }
}
