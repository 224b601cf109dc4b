package dev.sparkconv.jobs;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.NpyArray;
import dev.sparkconv.tensor.Shapes;
import dev.sparkconv.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.immutable.ArraySeq;

/**
 * The Parquet tensor row format (design.md): one sample per row, {@code id}, {@code shape} (without the batch
 * dimension), {@code dtype} ("float32"; "uint8" accepted on input) and {@code data} (little-endian, C order).
 */
public final class TensorRows {
  public static final String ID = "id";
  public static final String SHAPE = "shape";
  public static final String DTYPE = "dtype";
  public static final String DATA = "data";
  public static final String ERROR = "error";

  public static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField(ID, DataTypes.StringType, false),
      DataTypes.createStructField(SHAPE, DataTypes.createArrayType(DataTypes.IntegerType, false), true),
      DataTypes.createStructField(DTYPE, DataTypes.StringType, true),
      DataTypes.createStructField(DATA, DataTypes.BinaryType, true)));

  /** Everything but {@code error} is nullable: a bad row may lack any of them. Shape may hold nulls for the same reason. */
  public static final StructType QUARANTINE_SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField(ID, DataTypes.StringType, true),
      DataTypes.createStructField(SHAPE, DataTypes.createArrayType(DataTypes.IntegerType, true), true),
      DataTypes.createStructField(DTYPE, DataTypes.StringType, true),
      DataTypes.createStructField(DATA, DataTypes.BinaryType, true),
      DataTypes.createStructField(ERROR, DataTypes.StringType, false)));

  /**
   * Parquet settings for writing tensor rows, whose values are large (a 3 x 224 x 224 float image is 600 KB):
   * the page size is checked after every row, not after 100 (100 such rows made 60 MB pages, copied as their
   * buffers doubled, then compressed in one piece), and the data column has neither a dictionary (its values
   * never repeat, and Parquet would hash each one before giving up) nor min/max statistics (meaningless for
   * tensor bytes, and each new minimum or maximum copied a whole value). Row groups are 16 MB, not 128: a task
   * holds its row group's pages until the group is written, and 128 MB of them outlived the young generation, so
   * G1 copied them to the old one and ran concurrent marking (0.8 s of CPU, 7%, when a 3000-photo ingest still
   * wrote through Spark's writer; ingest now writes with {@link TensorOutputFormat}, 16 MB groups too).
   */
  public static final Map<String, String> WRITE_OPTIONS = Map.of("parquet.page.size.row.check.min", "1",
      "parquet.page.size.row.check.max", "1000", "parquet.enable.dictionary#" + DATA, "false",
      "parquet.column.statistics.enabled#" + DATA, "false", TensorOutputFormat.ROW_GROUP_BYTES,
      String.valueOf(TensorOutputFormat.DEFAULT_ROW_GROUP_BYTES));

  private TensorRows() {}

  /** A decoded row: float32 values whatever the stored dtype. */
  public record Sample(String id, int[] shape, float[] data) {
    public Tensor toTensor() {
      return Tensor.wrap(data, shape);
    }
  }

  public static Row toRow(String id, Tensor sample) {
    return toRow(id, sample.shape(), sample.data(), 0);
  }

  /** One sample of {@code shape} starting at {@code data[offset]}, e.g. one item of a batch output buffer. */
  public static Row toRow(String id, int[] shape, float[] data, int offset) {
    if (id == null) {
      throw new IllegalArgumentException("id is required");
    }
    int n = Shapes.size(shape);
    if (offset < 0 || offset > data.length - n) {
      throw new IndexOutOfBoundsException(
          "sample " + Shapes.format(shape) + " at offset " + offset + " exceeds a buffer of " + data.length);
    }
    byte[] bytes = new byte[4 * n];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data, offset, n);
    // With the schema attached, decode and getAs(name) work on rows that never went through Spark.
    return new GenericRowWithSchema(new Object[] {id, intSeq(shape), NpyArray.FLOAT32, bytes}, SCHEMA);
  }

  /** A row of already-encoded data (e.g. a .npy payload), kept in its own dtype. */
  public static Row rawRow(String id, int[] shape, String dtype, byte[] data) {
    return new GenericRowWithSchema(new Object[] {id, intSeq(shape), dtype, data}, SCHEMA);
  }

  /** Validates and converts one row; columns are found by name, so their order in the file does not matter. */
  public static Sample decode(Row row) {
    Encoded record = check(row);
    float[] out = new float[record.size()];
    record.decodeInto(out, 0);
    return new Sample(record.id(), record.shape(), out);
  }

  /** A validated row whose data is still the stored bytes: decode it straight into a batch buffer. */
  public record Encoded(String id, int[] shape, String dtype, byte[] data) {
    public int size() {
      return data.length / NpyArray.elementSize(dtype);
    }

    /** Writes the {@link #size()} values, as float32, to {@code dst} from {@code offset}. */
    public void decodeInto(float[] dst, int offset) {
      int n = size();
      if (dtype.equals(NpyArray.FLOAT32)) {
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, offset, n);
      } else {
        for (int i = 0; i < n; i++) {
          dst[offset + i] = data[i] & 0xFF; // uint8 pixels widened to 0..255; scaling is the model's preprocessing
        }
      }
    }
  }

  /** Validates one row without converting its data; a {@link BadRecordException} names the record and field. */
  public static Encoded check(Row row) {
    Object idValue = get(row, ID, 0);
    String id = idValue instanceof String s ? s : null;
    if (idValue == null) {
      throw new BadRecordException(null, ID, index(row, ID, 0) < 0 ? "is missing" : "is null");
    }
    if (id == null || id.isEmpty()) {
      throw new BadRecordException(null, ID, id == null ? "is a " + idValue.getClass().getSimpleName() + ", not a string"
          : "is empty");
    }

    int[] shape = shape(id, get(row, SHAPE, 1), row);
    int n;
    try {
      n = Shapes.size(shape);
    } catch (IllegalArgumentException e) {
      throw new BadRecordException(id, SHAPE, Shapes.format(shape) + " has too many elements");
    }

    Object dtypeValue = get(row, DTYPE, 2);
    if (!(NpyArray.FLOAT32.equals(dtypeValue) || NpyArray.UINT8.equals(dtypeValue))) {
      throw new BadRecordException(id, DTYPE, dtypeValue == null ? "is null"
          : "is '" + dtypeValue + "'; expected float32 or uint8");
    }
    String dtype = (String) dtypeValue;

    Object dataValue = get(row, DATA, 3);
    if (!(dataValue instanceof byte[] bytes)) {
      throw new BadRecordException(id, DATA, dataValue == null ? "is null" : "is not binary");
    }
    long need = (long) n * NpyArray.elementSize(dtype);
    if (bytes.length != need) {
      throw new BadRecordException(id, DATA, "has " + bytes.length + " bytes but shape " + Shapes.format(shape)
          + " with dtype " + dtype + " needs " + need);
    }
    return new Encoded(id, shape, dtype, bytes);
  }

  /** A QUARANTINE_SCHEMA row with whatever id/shape/dtype/data {@code original} had (each may be absent) and the error. */
  public static Row quarantine(Row original, String error) {
    if (error == null) {
      throw new IllegalArgumentException("error is required");
    }
    Object id = original == null ? null : get(original, ID, 0);
    Object dtype = original == null ? null : get(original, DTYPE, 2);
    Object data = original == null ? null : get(original, DATA, 3);
    List<?> dims = original == null ? null : dims(original, SHAPE, 1);
    Object shape = null;
    if (dims != null) {
      Integer[] boxed = new Integer[dims.size()];
      for (int i = 0; i < boxed.length; i++) {
        Object d = dims.get(i);
        boxed[i] = d instanceof Number num && num.longValue() == num.intValue() ? num.intValue() : null;
      }
      shape = ArraySeq.unsafeWrapArray(boxed);
    }
    return new GenericRowWithSchema(new Object[] {
        id == null ? null : id.toString(),
        shape,
        dtype == null ? null : dtype.toString(),
        data instanceof byte[] ? data : null,
        error}, QUARANTINE_SCHEMA);
  }

  private static int[] shape(String id, Object value, Row row) {
    if (value == null) {
      throw new BadRecordException(id, SHAPE, index(row, SHAPE, 1) < 0 ? "is missing" : "is null");
    }
    List<?> dims = dims(row, SHAPE, 1);
    if (dims == null) {
      throw new BadRecordException(id, SHAPE, "is a " + value.getClass().getSimpleName() + ", not an array of int");
    }
    int[] shape = new int[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      Object d = dims.get(i);
      if (!(d instanceof Number num) || num instanceof Float || num instanceof Double || num.longValue() != num.intValue()) {
        throw new BadRecordException(id, SHAPE, "has dimension " + d + " at " + i + ", not an int");
      }
      shape[i] = num.intValue();
    }
    for (int d : shape) {
      if (d < 0) {
        throw new BadRecordException(id, SHAPE, "has negative dimension " + d + " in " + Shapes.format(shape));
      }
    }
    return shape;
  }

  /** The array column as a list: Spark gives a Scala Seq (getList wraps it); hand-built rows may hold a List or int[]. */
  private static List<?> dims(Row row, String name, int fallback) {
    int i = index(row, name, fallback);
    Object v = i < 0 ? null : row.get(i);
    if (v instanceof List<?> list) {
      return list;
    }
    if (v instanceof int[] a) {
      return Arrays.stream(a).boxed().toList();
    }
    if (v instanceof scala.collection.Seq<?>) {
      return row.getList(i);
    }
    if (v instanceof Object[] a) {
      return Arrays.asList(a);
    }
    return null;
  }

  /** The row's id as {@link #check} reads it (by name, else the first column), or null when it has no usable one. */
  static String id(Row row) {
    return get(row, ID, 0) instanceof String id && !id.isEmpty() ? id : null;
  }

  private static Object get(Row row, String name, int fallback) {
    int i = index(row, name, fallback);
    return i < 0 ? null : row.get(i);
  }

  /** Column index by name; rows without a schema are taken to be in SCHEMA order. -1 when absent. */
  private static int index(Row row, String name, int fallback) {
    StructType schema = row.schema();
    if (schema == null) {
      return fallback < row.length() ? fallback : -1;
    }
    Option<Object> i = schema.getFieldIndex(name);
    return i.isDefined() ? (Integer) i.get() : -1;
  }

  static scala.collection.immutable.Seq<Integer> intSeq(int[] shape) {
    Integer[] boxed = new Integer[shape.length];
    for (int i = 0; i < shape.length; i++) {
      boxed[i] = shape[i];
    }
    return ArraySeq.unsafeWrapArray(boxed);
  }
}
