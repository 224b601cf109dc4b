package dev.sparkconv.nn;

/**
 * Tiled convolution (Goodfellow et al., Deep Learning, 9.5): {@code tile[0] x tile[1]} kernels that
 * take turns along the output, kernel (y % tH, x % tW) at output position (y, x). Tile (1, 1) is an
 * ordinary convolution; a tile as large as the output is a locally connected layer; tile entries
 * beyond the output size leave some kernels unused. Takes any input size, like a convolution.
 * Weight (tH, tW, outC, inC, kH, kW), bias (outC, tH, tW) or null; see {@link UnsharedConv2d}.
 */
public final class TiledConv2d extends UnsharedConv2d {
  public TiledConv2d(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, int[] tile, float[] weight, float[] bias) {
    super("tiled_conv2d", name, inChannels, outChannels, null, kernel, stride, padding, dilation,
        tile == null ? new int[0] : tile, weight, bias, "tH*tW");
  }

  @Override
  public String op() {
    return "tiled_conv2d";
  }

  public int[] tile() {
    return tile.clone();
  }
}
