package dev.sparkconv.io;

import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy .npy files, from the format spec (numpy.lib.format): reads versions 1.0, 2.0 and 3.0 with dtype {@code <f4}
 * or {@code |u1} in C order; writes version 1.0 (2.0 only when the header needs it).
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** numpy aligns the data offset to 64 bytes so the payload can be memory-mapped for any dtype. */
  private static final int ALIGN = 64;

  private Npy() {}

  public static Tensor readTensor(Path file) throws IOException {
    return read(file).toTensor();
  }

  public static NpyArray read(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** Parses the bytes of a whole .npy file; {@code source} (a path or URI) names it in errors. */
  public static NpyArray parse(byte[] bytes, String source) throws NpyFormatException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = java.util.Arrays.copyOf(bytes, Math.min(MAGIC.length, bytes.length));
    if (bytes.length < 10 || !java.util.Arrays.equals(magic, MAGIC)) {
      throw fail(source, "not a .npy file (bad magic; expected \\x93NUMPY followed by a version)");
    }
    int major = buf.get(6) & 0xFF;
    int minor = buf.get(7) & 0xFF;
    if (minor != 0 || major < 1 || major > 3) {
      throw fail(source, "unsupported .npy format version " + major + "." + minor + " (1.0, 2.0 and 3.0 are supported)");
    }
    long headerLen;
    int preamble;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xFFFF;
      preamble = 10;
    } else {
      if (bytes.length < 12) {
        throw fail(source, "truncated header: file ends inside the header length field");
      }
      headerLen = buf.getInt(8) & 0xFFFFFFFFL;
      preamble = 12;
    }
    long dataOffset = preamble + headerLen;
    if (dataOffset > bytes.length) {
      throw fail(source, "truncated header: header length is " + headerLen + " bytes but the file has only "
          + (bytes.length - preamble) + " after the preamble");
    }
    // Versions 1 and 2 store the header in latin1; version 3 exists only to allow utf8 (e.g. in field names).
    String header = new String(bytes, preamble, (int) headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Header h = parseHeader(source, header);

    long nbytes = (long) Shapes.size(h.shape) * NpyArray.elementSize(h.dtype);
    long found = bytes.length - dataOffset;
    if (found < nbytes) {
      throw fail(source, "truncated data: expected " + nbytes + " bytes of data, found " + found);
    }
    // Trailing bytes are ignored, as numpy.load does.
    byte[] data = java.util.Arrays.copyOfRange(bytes, (int) dataOffset, (int) (dataOffset + nbytes));
    return new NpyArray(h.shape, h.dtype, data);
  }

  /** Writes a float32 tensor as {@code <f4}, C order. */
  public static void write(Path file, Tensor t) throws IOException {
    int[] shape = t.shape();
    float[] d = t.data();
    try (FileChannel ch = open(file)) {
      writeFully(ch, ByteBuffer.wrap(header(shape, "<f4")));
      // Converted in chunks so a large tensor is not copied whole into a byte[] first.
      ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(d.length, 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < d.length; ) {
        int n = Math.min(buf.capacity() / 4, d.length - i);
        buf.clear();
        buf.asFloatBuffer().put(d, i, n);
        buf.limit(4 * n);
        writeFully(ch, buf);
        i += n;
      }
    }
  }

  /** Writes raw little-endian C-order bytes with dtype "float32" or "uint8" (e.g. to round-trip uint8 images). */
  public static void write(Path file, int[] shape, String dtype, byte[] data) throws IOException {
    new NpyArray(shape, dtype, data); // validates dtype and length before the file is touched
    String descr = NpyArray.FLOAT32.equals(dtype) ? "<f4" : "|u1";
    try (FileChannel ch = open(file)) {
      writeFully(ch, ByteBuffer.wrap(header(shape, descr)));
      writeFully(ch, ByteBuffer.wrap(data));
    }
  }

  public static void write(Path file, NpyArray a) throws IOException {
    write(file, a.shape(), a.dtype(), a.data());
  }

  /** Magic, version, header length and the dict, padded with spaces and '\n' so the data starts 64-aligned. */
  static byte[] header(int[] shape, String descr) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + pyTuple(shape) + ", }";
    int preamble = 10;
    int len = padded(preamble, dict.length());
    if (len > 0xFFFF) {
      preamble = 12;
      len = padded(preamble, dict.length());
    }
    ByteBuffer b = ByteBuffer.allocate(preamble + len).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) (preamble == 10 ? 1 : 2)).put((byte) 0);
    if (preamble == 10) {
      b.putShort((short) len);
    } else {
      b.putInt(len);
    }
    b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    while (b.position() < b.limit() - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  private static int padded(int preamble, int dictLen) {
    int total = preamble + dictLen + 1; // + '\n'
    return (total + ALIGN - 1) / ALIGN * ALIGN - preamble;
  }

  /** Python's tuple repr: "()", "(3,)", "(2, 3)". */
  static String pyTuple(int[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return s.append(')').toString();
  }

  private record Header(String dtype, int[] shape) {}

  private static Header parseHeader(String file, String header) throws NpyFormatException {
    HeaderParser p = new HeaderParser(file, header);
    Map<String, String> raw = new HashMap<>();
    Map<String, Object> dict = p.parseDict(raw);
    p.skipSpace();
    if (p.pos != header.length()) {
      throw p.error("unexpected text after the header dict");
    }
    for (String key : List.of("descr", "fortran_order", "shape")) {
      if (!dict.containsKey(key)) {
        throw fail(file, "malformed header: no '" + key + "' key in " + header.strip());
      }
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw fail(file, "malformed header: 'fortran_order' is " + raw.get("fortran_order") + ", expected True or False");
    }
    if (fortran) {
      throw new NpyFormatException(file + " is Fortran-ordered; only C order is supported");
    }
    String dtype = dict.get("descr") instanceof String descr ? switch (descr) {
      case "<f4" -> NpyArray.FLOAT32;
      case "|u1", "<u1", ">u1" -> NpyArray.UINT8; // byte order is meaningless for one byte
      default -> null;
    } : null;
    if (dtype == null) {
      throw fail(file, "unsupported dtype " + raw.get("descr") + " (only '<f4' float32 and '|u1' uint8 are supported)");
    }
    if (!(dict.get("shape") instanceof List<?> dims)) {
      throw fail(file, "malformed header: 'shape' is " + raw.get("shape") + ", expected a tuple of ints");
    }
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw fail(file, "malformed header: 'shape' " + raw.get("shape") + " is not a tuple of non-negative ints");
      }
      shape[i] = (int) (long) d;
    }
    try {
      Shapes.size(shape);
    } catch (IllegalArgumentException e) {
      throw fail(file, "unsupported shape " + raw.get("shape") + ": too many elements for one array");
    }
    return new Header(dtype, shape);
  }

  /**
   * Recursive descent over the Python literal numpy writes (dict, str, True/False/None, int, tuple, list); enough for
   * every header numpy produces, including structured descrs, which are then rejected by name.
   */
  private static final class HeaderParser {
    final String file;
    final String s;
    int pos;

    HeaderParser(String file, String s) {
      this.file = file;
      this.s = s;
    }

    NpyFormatException error(String what) {
      return fail(file, "malformed header: " + what + " at offset " + pos + " in " + s.strip());
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    boolean eat(char c) {
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    void expect(char c) throws NpyFormatException {
      if (!eat(c)) {
        throw error("expected '" + c + "'");
      }
    }

    Map<String, Object> parseDict(Map<String, String> raw) throws NpyFormatException {
      expect('{');
      Map<String, Object> m = new HashMap<>();
      while (!eat('}')) {
        if (!(parseValue() instanceof String key)) {
          throw error("dict key is not a string");
        }
        expect(':');
        skipSpace();
        int start = pos;
        m.put(key, parseValue());
        if (raw != null) {
          raw.put(key, s.substring(start, pos));
        }
        if (!eat(',')) {
          expect('}');
          break;
        }
      }
      return m;
    }

    List<Object> parseSequence(char close) throws NpyFormatException {
      List<Object> items = new ArrayList<>();
      while (!eat(close)) {
        items.add(parseValue());
        if (!eat(',')) {
          expect(close);
          break;
        }
      }
      return items;
    }

    Object parseValue() throws NpyFormatException {
      skipSpace();
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      if (c == '\'' || c == '"') {
        StringBuilder b = new StringBuilder();
        for (pos++; pos < s.length() && s.charAt(pos) != c; pos++) {
          if (s.charAt(pos) == '\\' && pos + 1 < s.length()) {
            pos++;
          }
          b.append(s.charAt(pos));
        }
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        pos++;
        return b.toString();
      }
      if (c == '{') {
        return parseDict(null);
      }
      if (c == '(' || c == '[') {
        pos++;
        return parseSequence(c == '(' ? ')' : ']');
      }
      if (c == '-' || Character.isDigit(c)) {
        int start = pos++;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        String digits = s.substring(start, pos);
        if (pos < s.length() && s.charAt(pos) == 'L') {
          pos++; // Python 2 long literal, found in old files
        }
        try {
          return Long.parseLong(digits);
        } catch (NumberFormatException e) {
          throw error("bad integer '" + digits + "'");
        }
      }
      for (String word : List.of("True", "False", "None")) {
        if (s.startsWith(word, pos)) {
          pos += word.length();
          return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
        }
      }
      throw error("unexpected '" + c + "'");
    }
  }

  private static NpyFormatException fail(String file, String problem) {
    return new NpyFormatException(file + ": " + problem);
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
