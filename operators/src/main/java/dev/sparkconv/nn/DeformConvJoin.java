package dev.sparkconv.nn;

import dev.sparkconv.kernel.Epilogue;
import dev.sparkconv.kernel.Gemm;
import java.util.Arrays;

/**
 * Deformable convolution whose offsets (and v2 mask) are inputs, computed by any branch of the graph: ONNX
 * DeformConv, or {@code torchvision.ops.deform_conv2d(x, offset, weight, bias, stride, padding, dilation, mask)}
 * as written in a forward(). Inputs x (C, H, W), offset (2 * offsetGroups * kH * kW, outH, outW) in torchvision's
 * layout (channel 2 * (og * K + k) is dy of tap k, the next dx) and optionally mask (offsetGroups * kH * kW, outH,
 * outW), used as given (no sigmoid). The sampling is {@link DeformConv2d}'s; weight (outC, inC/groups, kH, kW),
 * bias (outC) or null. Op "deform_conv2d".
 */
public final class DeformConvJoin extends BaseJoin {
  private final int inChannels;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final int[] dilation;
  private final int groups;
  private final int offsetGroups;
  private final float[] weight;
  private final float[] bias;
  /** The weights of each group packed for the GEMM per JVM, as {@link Conv}'s. */
  private final PackedWeights packedWeights = new PackedWeights();

  public DeformConvJoin(String name, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
      int[] dilation, int groups, int offsetGroups, float[] weight, float[] bias) {
    super("deform_conv2d", name);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernel = pair("kernel", kernel, 1);
    this.stride = pair("stride", stride, 1);
    this.padding = pair("padding", padding, 0);
    this.dilation = pair("dilation", dilation, 1);
    this.groups = groups;
    this.offsetGroups = offsetGroups;
    if (inChannels < 1 || outChannels < 1 || groups < 1 || offsetGroups < 1 || inChannels % groups != 0
        || outChannels % groups != 0 || inChannels % offsetGroups != 0) {
      throw bad("channels", "inC " + inChannels + " and outC " + outChannels + " positive, divided by groups "
          + groups + " (inC also by offset groups " + offsetGroups + ")");
    }
    long size = (long) outChannels * (inChannels / groups) * this.kernel[0] * this.kernel[1];
    if (weight == null || weight.length != size || bias != null && bias.length != outChannels) {
      throw bad("weight", "weight of outC*inC/groups*kH*kW = " + size + " values and bias null or of " + outChannels);
    }
    this.weight = weight.clone();
    this.bias = bias == null ? null : bias.clone();
  }

  private int[] pair(String parameter, int[] v, int min) {
    if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
      throw bad(parameter, "two entries >= " + min + " but got " + (v == null ? "null" : Arrays.toString(v)));
    }
    return v.clone();
  }

  private IllegalArgumentException bad(String parameter, String rule) {
    return new IllegalArgumentException("layer '" + name() + "' (deform_conv2d): parameter '" + parameter + "' needs "
        + rule);
  }

  @Override
  public String op() {
    return "deform_conv2d";
  }

  @Override
  public long parameterCount() {
    return weight.length + (bias == null ? 0 : bias.length);
  }

  @Override
  public int[] outputShape(int[][] shapes) {
    checkInputs(shapes, 2, 3);
    int[] x = shapes[0];
    int taps = kernel[0] * kernel[1];
    int[] out = {outChannels, x[0] == inChannels ? size(x[1], 0) : 0, x[0] == inChannels ? size(x[2], 1) : 0};
    boolean ok = x.length == 3 && x[0] == inChannels && out[1] > 0 && out[2] > 0
        && Arrays.equals(shapes[1], new int[] {2 * offsetGroups * taps, out[1], out[2]})
        && (shapes.length == 2 || Arrays.equals(shapes[2], new int[] {offsetGroups * taps, out[1], out[2]}));
    if (!ok) {
      throw new ShapeException(this, "x (" + inChannels + ", H, W), offset (" + 2 * offsetGroups * taps
          + ", outH, outW) and optionally mask (" + offsetGroups * taps + ", outH, outW)", shapes);
    }
    return out;
  }

  private int size(int in, int a) {
    return (in + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1) / stride[a] + 1;
  }

  @Override
  public long macs(int[][] shapes) {
    int[] out = outputShape(shapes);
    return (long) out[1] * out[2] * weight.length;
  }

  @Override
  void run(float[][] in, float[] out, int batch, int[][] shapes, ExecutionContext ctx) {
    int h = shapes[0][1];
    int w = shapes[0][2];
    int[] o = outputShape(shapes);
    int plane = o[1] * o[2];
    int taps = kernel[0] * kernel[1];
    int offsetPlanes = 2 * offsetGroups * taps;
    boolean modulated = shapes.length == 3;
    int planes = offsetPlanes + (modulated ? offsetGroups * taps : 0);
    float[] cols = ctx.scratch(ScratchSlots.DEFORM_COLUMNS, inChannels * taps * plane);
    float[] offsets = ctx.scratch(ScratchSlots.DEFORM_OFFSETS, planes * plane);
    Gemm gemm = ctx.gemm();
    int groupRows = inChannels / groups * taps;
    int outPerGroup = outChannels / groups;
    Gemm.PackedA[] packed = packedWeights.get(gemm, g -> PackedWeights.perGroup(g, false, groups, outPerGroup,
        groupRows, weight));
    for (int n = 0; n < batch; n++) {
      System.arraycopy(in[1], n * offsetPlanes * plane, offsets, 0, offsetPlanes * plane);
      if (modulated) { // the mask planes follow the offsets, as DeformConv2d's offset conv lays them out
        System.arraycopy(in[2], n * (planes - offsetPlanes) * plane, offsets, offsetPlanes * plane,
            (planes - offsetPlanes) * plane);
      }
      DeformConv2d.sample(inChannels, offsetGroups, modulated, kernel, stride, padding, dilation, in[0],
          n * inChannels * h * w, h, w, o[1], o[2], offsets, cols);
      int outOff = n * outChannels * plane;
      for (int g = 0; g < groups; g++) {
        gemm.sgemm(packed[g], false, plane, 1f, cols, g * groupRows * plane, plane, 0f,
            Epilogue.bias(bias, g * outPerGroup), out, outOff + g * outPerGroup * plane, plane);
      }
    }
  }
}
