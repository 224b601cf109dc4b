package dev.sparkconv.jobs;

import dev.sparkconv.io.BadRecordException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.immutable.ArraySeq;

class TensorRowsTest {
  static Object seq(Integer... dims) {
    return ArraySeq.unsafeWrapArray(dims);
  }

  static Row row(Object id, Object shape, Object dtype, Object data) {
    return new GenericRowWithSchema(new Object[] {id, shape, dtype, data}, TensorRows.SCHEMA);
  }

  static void assertBad(Row r, String idPart, String field, String reason) {
    BadRecordException e = assertThrows(BadRecordException.class, () -> TensorRows.decode(r));
    assertTrue(e.getMessage().startsWith(idPart + ": field '" + field + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertEquals(field, e.field());
  }

  @Test
  void float32RoundTrip() {
    Tensor t = Tensor.wrap(new float[] {1f, -0f, Float.NaN, 3.25f, -7e-30f, 1e30f}, 1, 2, 3);
    Row r = TensorRows.toRow("img-1", t);
    assertEquals("float32", r.getAs("dtype"));
    byte[] bytes = r.getAs("data");
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f}, Arrays.copyOf(bytes, 4), "little-endian");
    TensorRows.Sample s = TensorRows.decode(r);
    assertEquals("img-1", s.id());
    assertArrayEquals(new int[] {1, 2, 3}, s.shape());
    assertEquals(t, s.toTensor());
  }

  @Test
  void writesOneSampleOutOfABatchBuffer() {
    float[] batch = {0, 1, 2, 3, 4, 5, 6, 7};
    TensorRows.Sample s = TensorRows.decode(TensorRows.toRow("b1", new int[] {2, 2}, batch, 4));
    assertArrayEquals(new float[] {4, 5, 6, 7}, s.data());
    assertThrows(IndexOutOfBoundsException.class, () -> TensorRows.toRow("b2", new int[] {2, 2}, batch, 5));
    assertThrows(IllegalArgumentException.class, () -> TensorRows.toRow(null, new int[] {1}, batch, 0));
  }

  @Test
  void uint8IsWidened() {
    Row r = row("u", seq(2, 2), "uint8", new byte[] {0, 1, 127, (byte) 255});
    assertArrayEquals(new float[] {0, 1, 127, 255}, TensorRows.decode(r).data());
    // a schema-less row in SCHEMA order, shape as a java.util.List
    Row plain = RowFactory.create("p", List.of(4), "uint8", new byte[] {9, 8, 7, (byte) 200});
    assertArrayEquals(new float[] {9, 8, 7, 200}, TensorRows.decode(plain).data());
  }

  @Test
  void columnOrderDoesNotMatter() {
    StructType shuffled = DataTypes.createStructType(List.of(
        DataTypes.createStructField("data", DataTypes.BinaryType, true),
        DataTypes.createStructField("extra", DataTypes.LongType, true),
        DataTypes.createStructField("dtype", DataTypes.StringType, true),
        DataTypes.createStructField("id", DataTypes.StringType, false),
        DataTypes.createStructField("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), true)));
    byte[] data = TensorRows.toRow("x", Tensor.wrap(new float[] {1.5f, 2.5f}, 2)).getAs("data");
    Row r = new GenericRowWithSchema(new Object[] {data, 99L, "float32", "x", seq(2)}, shuffled);
    TensorRows.Sample s = TensorRows.decode(r);
    assertEquals("x", s.id());
    assertArrayEquals(new float[] {1.5f, 2.5f}, s.data());
  }

  @Test
  void validationErrorsNameRecordAndField() {
    byte[] four = new byte[4];
    assertBad(row(null, seq(1), "float32", four), "row without id", "id", "is null");
    StructType noId = DataTypes.createStructType(Arrays.stream(TensorRows.SCHEMA.fields())
        .filter(f -> !f.name().equals("id")).toList());
    assertBad(new GenericRowWithSchema(new Object[] {seq(1), "float32", four}, noId), "row without id", "id",
        "is missing");
    assertBad(row("", seq(1), "float32", four), "row without id", "id", "is empty");
    assertBad(row("a", null, "float32", four), "record 'a'", "shape", "is null");
    assertBad(row("b", seq(2, -3), "float32", four), "record 'b'", "shape", "negative dimension -3 in (2, -3)");
    assertBad(row("c", seq(1), "float32", null), "record 'c'", "data", "is null");
    assertBad(row("d", seq(1), "float64", four), "record 'd'", "dtype", "is 'float64'; expected float32 or uint8");
    assertBad(row("e", seq(1), null, four), "record 'e'", "dtype", "is null");
    assertBad(row("f", seq(65536, 65536), "float32", four), "record 'f'", "shape", "too many elements");
    BadRecordException e = assertThrows(BadRecordException.class,
        () -> TensorRows.decode(row("img-007", seq(1, 28, 28), "float32", new byte[100])));
    assertEquals("record 'img-007': field 'data' has 100 bytes but shape (1, 28, 28) with dtype float32 needs 3136",
        e.getMessage());
    assertEquals("img-007", e.recordId());
    assertBad(row("g", seq(2, 2), "uint8", new byte[3]), "record 'g'", "data",
        "has 3 bytes but shape (2, 2) with dtype uint8 needs 4");
  }

  @Test
  void quarantineKeepsWhateverTheRowHad() {
    byte[] original = {1, 2, 3};
    Row q = TensorRows.quarantine(row("img-9", seq(1, 28, 28), "float32", original), "bad length");
    assertEquals(TensorRows.QUARANTINE_SCHEMA, q.schema());
    assertEquals("img-9", q.getAs("id"));
    assertEquals(List.of(1, 28, 28), q.getList(q.fieldIndex("shape")));
    assertEquals("float32", q.getAs("dtype"));
    assertSame(original, q.getAs("data"));
    assertEquals("bad length", q.getAs("error"));

    StructType onlyData = DataTypes.createStructType(List.of(
        DataTypes.createStructField("data", DataTypes.BinaryType, true)));
    Row partial = TensorRows.quarantine(new GenericRowWithSchema(new Object[] {original}, onlyData), "no id");
    assertNull(partial.getAs("id"));
    assertNull(partial.getAs("shape"));
    assertSame(original, partial.getAs("data"));

    Row none = TensorRows.quarantine(null, "unreadable");
    assertEquals(Arrays.asList(null, null, null, null, "unreadable"), Arrays.asList(none.get(0), none.get(1),
        none.get(2), none.get(3), none.get(4)));
  }

  @Test
  void parquetRoundTripThroughSpark(@TempDir Path tmp) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("test")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      spark.sparkContext().setLogLevel("WARN");
      List<Row> rows = new ArrayList<>();
      List<Tensor> tensors = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        float[] d = new float[6];
        for (int j = 0; j < d.length; j++) {
          d[j] = i * 10 + j + 0.5f;
        }
        tensors.add(Tensor.wrap(d, 1, 2, 3));
        rows.add(TensorRows.toRow("s" + i, tensors.get(i)));
      }
      String out = tmp.resolve("t.parquet").toString();
      spark.createDataFrame(rows, TensorRows.SCHEMA).write().parquet(out);
      List<TensorRows.Sample> back = new ArrayList<>(spark.read().parquet(out).collectAsList().stream()
          .map(TensorRows::decode).toList());
      back.sort(Comparator.comparing(TensorRows.Sample::id));
      assertEquals(5, back.size());
      for (int i = 0; i < 5; i++) {
        assertEquals("s" + i, back.get(i).id());
        assertEquals(tensors.get(i), back.get(i).toTensor());
      }

      // quarantine rows (null fields, null dims) are encodable too
      Row bad = row("q", ArraySeq.unsafeWrapArray(new Integer[] {1, null}), "float32", new byte[] {5});
      String qout = tmp.resolve("q.parquet").toString();
      spark.createDataFrame(List.of(TensorRows.quarantine(bad, "oops"), TensorRows.quarantine(null, "gone")),
          TensorRows.QUARANTINE_SCHEMA).write().parquet(qout);
      List<Row> qs = spark.read().parquet(qout).orderBy("error").collectAsList();
      assertEquals("gone", qs.get(0).getAs("error"));
      assertNull(qs.get(0).getAs("id"));
      assertEquals(Arrays.asList(1, null), qs.get(1).getList(qs.get(1).fieldIndex("shape")));
      assertArrayEquals(new byte[] {5}, (byte[]) qs.get(1).getAs("data"));
    } finally {
      spark.stop();
    }
  }
}
