package dev.sparkconv.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.FileDecoder.Sample;
import dev.sparkconv.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Files from {@link TensorParquetWriter} read back, through Spark's own reader, as the same rows Spark's writer wrote. */
class TensorParquetWriterTest {
  private static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("TensorParquetWriterTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Samples of rank 0 to 4, float32 and uint8, odd sizes, ids out of order and not ASCII. */
  private static List<Sample> samples(int n) {
    Random random = new Random(7);
    int[][] shapes = {{}, {5}, {3, 4, 5}, {1, 2, 3, 7}, {3, 17, 13}, {0}};
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] shape = shapes[i % shapes.length];
      String dtype = i % 3 == 0 ? NpyArray.UINT8 : NpyArray.FLOAT32;
      int size = 1;
      for (int d : shape) {
        size *= d;
      }
      byte[] data = new byte[size * NpyArray.elementSize(dtype)];
      random.nextBytes(data);
      out.add(new Sample("dir/ë" + ((i * 7919) % n) + ".jpg", new NpyArray(shape, dtype, data)));
    }
    return out;
  }

  private static void write(Path file, List<Sample> samples, CompressionCodecName codec, long rowGroupBytes)
      throws Exception {
    Configuration conf = new Configuration();
    CodecFactory codecs = new CodecFactory(conf, 1 << 20);
    try (var writer = new TensorParquetWriter(HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
        conf), codecs.getCompressor(codec), rowGroupBytes)) {
      for (Sample s : samples) {
        writer.write(s);
      }
    } finally {
      codecs.release();
    }
  }

  private static List<Row> sorted(String path) {
    List<Row> rows = new ArrayList<>(spark.read().parquet(path).collectAsList());
    rows.sort(Comparator.comparing(r -> r.getString(r.fieldIndex(TensorRows.ID))));
    return rows;
  }

  private static ParquetMetadata footer(Path file) throws Exception {
    try (var reader = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
        new Configuration()))) {
      return reader.getFooter();
    }
  }

  @ParameterizedTest
  @CsvSource({"UNCOMPRESSED, 100", "UNCOMPRESSED, 100000000", "SNAPPY, 700", "ZSTD, 5000"})
  void rowsReadBackAsSparksWriterWritesThem(CompressionCodecName codec, long rowGroupBytes) throws Exception {
    List<Sample> samples = samples(40);
    Path ours = tmp.resolve("ours.parquet");
    write(ours, samples, codec, rowGroupBytes);
    List<Row> rows = new ArrayList<>();
    for (Sample s : samples) {
      rows.add(RowFactory.create(s.id(), TensorRows.intSeq(s.array().shape()), s.array().dtype(), s.array().data()));
    }
    String spark = tmp.resolve("spark").toString();
    TensorParquetWriterTest.spark.createDataFrame(rows, TensorRows.SCHEMA).coalesce(1).write().parquet(spark);

    assertEquals(TensorParquetWriterTest.spark.read().parquet(spark).schema(),
        TensorParquetWriterTest.spark.read().parquet(ours.toString()).schema());
    Path sparkFile;
    try (var files = Files.list(Path.of(spark))) {
      sparkFile = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    assertEquals(footer(sparkFile).getFileMetaData().getSchema(), footer(ours).getFileMetaData().getSchema());
    int groups = footer(ours).getBlocks().size();
    assertTrue(rowGroupBytes > 1_000_000 ? groups == 1 : groups > 3, groups + " row groups");
    footer(ours).getBlocks().forEach(b -> b.getColumns().forEach(c -> assertEquals(codec, c.getCodec())));

    List<Row> expected = sorted(spark);
    List<Row> actual = sorted(ours.toString());
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      assertEquals(e.getString(0), a.getString(0));
      assertEquals(e.getList(1), a.getList(1), e.getString(0));
      assertEquals(e.getString(2), a.getString(2));
      assertArrayEquals((byte[]) e.get(3), (byte[]) a.get(3), e.getString(0));
    }
    // Row groups are skipped by their id statistics: a wrong minimum or maximum would lose this row.
    String id = samples.get(17).id();
    List<Row> found = TensorParquetWriterTest.spark.read().parquet(ours.toString()).filter(col(TensorRows.ID).equalTo(id))
        .collectAsList();
    assertEquals(1, found.size());
    assertArrayEquals(samples.get(17).array().data(), (byte[]) found.get(0).get(3));
  }

  @Test
  void aFileWithoutRowsReadsAsAnEmptyDatasetOfTensorRows() throws Exception {
    Path empty = tmp.resolve("empty.parquet");
    write(empty, List.of(), CompressionCodecName.UNCOMPRESSED, 1 << 20);
    String none = tmp.resolve("none").toString();
    spark.createDataFrame(List.of(), TensorRows.SCHEMA).write().parquet(none);
    var read = spark.read().parquet(empty.toString());
    assertEquals(spark.read().parquet(none).schema(), read.schema());
    assertEquals(0, read.count());
  }
}
