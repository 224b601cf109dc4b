package dev.sparkconv.io.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkconv.io.NpyArray;
import java.io.IOException;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * torchvision's image pipeline on PIL images, to the bit: {@code Resize} (PIL's resampling, see
 * {@link PilResize}), {@code CenterCrop} (zero padding when the crop is larger, Python's
 * round-half-to-even offset), {@code ToTensor} ({@code x / 255} in float32) and {@code Normalize}
 * ({@code (x - mean) / std} in float32), in that order. The JSON spec (every field optional):
 * <pre>
 * {"resize": 256 | [h, w],           shorter side to 256 (longer: int(256 * long / short)) or exact size
 *  "interpolation": "bilinear" | "bicubic" | "nearest",
 *  "crop": 224 | [h, w],
 *  "scale": 0.00392156862745098,     default 1/255; applied as a division by 1/scale, as ToTensor does
 *  "mean": [...], "std": [...],      one per output channel, or one for all (default 0 and 1)
 *  "channel_order": "RGB" | "BGR"}   output channel order; mean and std are in that order
 * </pre>
 * {@code resize} and {@code crop} are null when absent; the output is always float32 {@code C x H x W}.
 */
public record Preprocess(int[] resize, PilResize.Filter interpolation, int[] crop, double scale, float[] mean,
    float[] std, boolean bgr) implements Serializable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final Set<String> FIELDS = Set.of("resize", "interpolation", "crop", "scale", "mean", "std",
      "channel_order");
  /** Resize(256), CenterCrop(224), ToTensor, Normalize with the ImageNet statistics. */
  public static final Preprocess IMAGENET = new Preprocess(new int[] {256}, PilResize.Filter.BILINEAR,
      new int[] {224, 224}, 1.0 / 255, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f},
      false);

  public Preprocess {
    if (resize != null && (resize.length < 1 || resize.length > 2 || Arrays.stream(resize).anyMatch(v -> v < 1))) {
      throw new IllegalArgumentException("resize must be a positive size or [h, w] but is " + Arrays.toString(resize));
    }
    if (crop != null && (crop.length != 2 || crop[0] < 1 || crop[1] < 1)) {
      throw new IllegalArgumentException("crop must be [h, w], positive, but is " + Arrays.toString(crop));
    }
    if (!(scale > 0) || mean.length != std.length || mean.length < 1) {
      throw new IllegalArgumentException("scale must be positive and mean and std of one length but are " + scale
          + ", " + Arrays.toString(mean) + ", " + Arrays.toString(std));
    }
  }

  /** {@code none} (empty: images stay uint8), {@code imagenet}, or the path of a JSON spec. */
  public static Optional<Preprocess> parse(String value) {
    if (value.equals("none")) {
      return Optional.empty();
    }
    if (value.equals("imagenet")) {
      return Optional.of(IMAGENET);
    }
    try {
      return fromJson(JSON.readTree(Files.readAllBytes(Path.of(value))), value);
    } catch (IOException e) {
      throw new IllegalArgumentException("preprocess '" + value + "' is neither none, imagenet nor a readable JSON "
          + "spec: " + e.getMessage(), e);
    }
  }

  /** A preset name or a spec object (as a model spec declares it); {@code source} names it in errors. */
  public static Optional<Preprocess> fromJson(JsonNode node, String source) {
    if (node != null && node.isTextual()) {
      return switch (node.asText()) {
        case "none" -> Optional.empty();
        case "imagenet" -> Optional.of(IMAGENET);
        default -> throw new IllegalArgumentException(source + ": unknown preprocess preset '" + node.asText()
            + "' (known: none, imagenet)");
      };
    }
    return Optional.of(object(node, source));
  }

  private static Preprocess object(JsonNode node, String source) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(source + ": a preprocess spec must be a JSON object but is " + node);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(source + ": unknown preprocess field '" + f + "' (known: "
            + String.join(", ", new TreeSet<>(FIELDS)) + ")");
      }
    }
    int[] resize = ints(node.get("resize"), source, "resize", false);
    int[] crop = ints(node.get("crop"), source, "crop", true);
    String mode = text(node, "interpolation", "bilinear", source);
    PilResize.Filter filter = switch (mode) {
      case "bilinear" -> PilResize.Filter.BILINEAR;
      case "bicubic" -> PilResize.Filter.BICUBIC;
      case "nearest" -> PilResize.Filter.NEAREST;
      default -> throw new IllegalArgumentException(source + ": interpolation '" + mode
          + "' is not bilinear, bicubic or nearest");
    };
    String order = text(node, "channel_order", "RGB", source);
    if (!order.equals("RGB") && !order.equals("BGR")) {
      throw new IllegalArgumentException(source + ": channel_order '" + order + "' is not RGB or BGR");
    }
    JsonNode scale = node.get("scale");
    if (scale != null && !scale.isNumber()) {
      throw new IllegalArgumentException(source + ": field 'scale' must be a number but is " + scale);
    }
    float[] mean = floats(node.get("mean"), source, "mean");
    float[] std = floats(node.get("std"), source, "std");
    int channels = mean != null ? mean.length : std != null ? std.length : 1; // one value fits every image
    try {
      return new Preprocess(resize, filter, crop, scale == null ? 1.0 / 255 : scale.asDouble(),
          mean != null ? mean : new float[channels], std != null ? std : filled(channels, 1f), order.equals("BGR"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /** Fails unless this spec fits images of {@code channels} channels (its mean, std and channel order). */
  public void checkChannels(int channels) {
    if (mean.length != channels && mean.length != 1 || bgr && channels != 3) {
      throw new IllegalArgumentException("preprocess with " + mean.length + " mean/std values"
          + (bgr ? " and BGR order" : "") + " does not fit " + channels + "-channel images");
    }
  }

  /** The output's {@code [h, w]} when it does not depend on the image (a crop or an exact resize), else null. */
  public int[] outputSize() {
    return crop != null ? crop.clone() : resize != null && resize.length == 2 ? resize.clone() : null;
  }

  public NpyArray apply(NpyArray uint8Chw) {
    return apply(Planar.of(uint8Chw));
  }

  /** Resize, crop, scale and normalise: float32 {@code C x H x W}. */
  public NpyArray apply(Planar image) {
    return apply(image, image.height());
  }

  /**
   * {@link #apply(Planar)} of an image {@code height} rows tall of which {@code image} holds only the first
   * {@link #rowsRead} (or more): a decoder can stop there.
   */
  public NpyArray apply(Planar image, int height) {
    checkChannels(image.channels());
    Plan p = plan(height, image.width());
    Planar window = PilResize.resize(image, height, p.rh, p.rw, interpolation, p.window);
    return normalise(window, p.ch, p.cw, p.window.top() - p.top, p.window.left() - p.left);
  }

  /** How many of an {@code h x w} image's first rows {@link #apply} reads. */
  public int rowsRead(int h, int w) {
    Plan p = plan(h, w);
    return PilResize.rowsRead(h, p.rh, interpolation, p.window);
  }

  /**
   * Where an {@code h x w} image goes: resized to {@code rh x rw}, then the {@code ch x cw} crop whose origin in
   * resized coordinates is ({@code top}, {@code left}) (negative where CenterCrop pads), of which {@code window}
   * lies inside the resized image.
   */
  private record Plan(int rh, int rw, int ch, int cw, int top, int left, PilResize.Window window) {}

  private Plan plan(int h, int w) {
    int rh = h;
    int rw = w;
    if (resize != null && resize.length == 2) {
      rh = resize[0];
      rw = resize[1];
    } else if (resize != null) { // torchvision's _compute_resized_output_size
      int shorter = Math.min(h, w);
      int longer = (int) ((double) resize[0] * Math.max(h, w) / shorter);
      rh = h <= w ? resize[0] : longer;
      rw = h <= w ? longer : resize[0];
    }
    int ch = crop == null ? rh : crop[0];
    int cw = crop == null ? rw : crop[1];
    // CenterCrop pads a smaller image with zeros first, then crops at the rounded centre offset.
    int padTop = ch > rh ? (ch - rh) / 2 : 0;
    int padLeft = cw > rw ? (cw - rw) / 2 : 0;
    int top = (int) Math.rint((Math.max(rh, ch) - ch) / 2.0) - padTop; // window origin in resized coordinates
    int left = (int) Math.rint((Math.max(rw, cw) - cw) / 2.0) - padLeft;
    int y0 = Math.max(top, 0);
    int x0 = Math.max(left, 0);
    return new Plan(rh, rw, ch, cw, top, left,
        new PilResize.Window(y0, x0, Math.min(top + ch, rh) - y0, Math.min(left + cw, rw) - x0));
  }

  /** The window placed at ({@code dy}, {@code dx}) in a zero {@code ch x cw} image, scaled and normalised. */
  private NpyArray normalise(Planar window, int ch, int cw, int dy, int dx) {
    int channels = window.channels();
    int wh = window.height();
    int ww = window.width();
    float divisor = (float) (1.0 / scale);
    byte[] out = new byte[channels * ch * cw * 4]; // float32 little-endian, written in place
    float[] lut = new float[256];
    byte[] src = window.data();
    boolean padded = wh < ch || ww < cw;
    for (int c = 0; c < channels; c++) {
      float m = mean[mean.length == 1 ? 0 : c];
      float s = std[std.length == 1 ? 0 : c];
      for (int v = 0; v < 256; v++) {
        lut[v] = (v / divisor - m) / s; // the float32 steps ToTensor and Normalize take, once per level
      }
      int plane = c * ch * cw;
      for (int i = plane; padded && i < plane + ch * cw; i++) {
        FLOAT_LE.set(out, 4 * i, lut[0]); // CenterCrop's zero padding
      }
      int from = (bgr ? channels - 1 - c : c) * wh * ww;
      for (int y = 0; y < wh; y++) {
        int o = plane + (y + dy) * cw + dx;
        int in = from + y * ww;
        for (int x = 0; x < ww; x++) {
          FLOAT_LE.set(out, 4 * (o + x), lut[src[in + x] & 0xFF]);
        }
      }
    }
    return new NpyArray(new int[] {channels, ch, cw}, NpyArray.FLOAT32, out);
  }

  private static int[] ints(JsonNode v, String source, String field, boolean square) {
    if (v == null) {
      return null;
    }
    if (v.isInt()) {
      return square ? new int[] {v.asInt(), v.asInt()} : new int[] {v.asInt()};
    }
    if (v.isArray() && v.size() == 2 && v.get(0).isInt() && v.get(1).isInt()) {
      return new int[] {v.get(0).asInt(), v.get(1).asInt()};
    }
    throw new IllegalArgumentException(source + ": field '" + field + "' must be an integer or [h, w] but is " + v);
  }

  private static float[] floats(JsonNode v, String source, String field) {
    if (v == null) {
      return null;
    }
    if (!v.isArray() || v.isEmpty()) {
      throw new IllegalArgumentException(source + ": field '" + field + "' must be a non-empty array of numbers");
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isNumber()) {
        throw new IllegalArgumentException(source + ": field '" + field + "' has a non-number " + v.get(i));
      }
      out[i] = (float) v.get(i).asDouble(); // torch.as_tensor(mean, dtype=float32) rounds the same way
    }
    return out;
  }

  private static String text(JsonNode node, String field, String fallback, String source) {
    JsonNode v = node.get(field);
    if (v == null) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(source + ": field '" + field + "' must be a string but is " + v);
    }
    return v.asText();
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  @Override
  public String toString() {
    return "Preprocess[resize=" + Arrays.toString(resize) + ", " + interpolation + ", crop=" + Arrays.toString(crop)
        + ", scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
        + (bgr ? ", BGR" : "") + "]";
  }
}
