package dev.sparkconv.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkconv.io.FileDecoder;
import dev.sparkconv.io.NpyArray;
import dev.sparkconv.io.image.ImageDecoder;
import dev.sparkconv.io.image.Preprocess;
import dev.sparkconv.io.model.ModelLoader;
import dev.sparkconv.nn.ExecutionContext;
import dev.sparkconv.nn.Network;
import dev.sparkconv.tensor.Tensor;
import dev.sparkconv.io.video.ClipSpec;
import dev.sparkconv.io.video.FrameFolderDecoder;
import dev.sparkconv.io.video.VideoDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files through the ingest job: every good file's samples equal its decoder's, every bad file is quarantined. */
class IngestTest {
  private static final Path FIXTURES = Path.of(System.getProperty("sparkconv.root"), "io/src/test/resources");
  private static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkTestSession.start("IngestTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Map<String, Row> byId(String parquet) {
    return spark.read().parquet(parquet).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("id")), r -> r));
  }

  /** The codecs of every column chunk in the Parquet files under {@code dir}. */
  private static java.util.Set<CompressionCodecName> codecs(String dir) throws Exception {
    java.util.Set<CompressionCodecName> codecs = new java.util.HashSet<>();
    try (var files = Files.list(Path.of(dir))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        try (var reader = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()),
            new Configuration()))) {
          reader.getFooter().getBlocks().forEach(b -> b.getColumns().forEach(c -> codecs.add(c.getCodec())));
        }
      }
    }
    return codecs;
  }

  /** What the decoder gives for a file in this JVM, keyed by sample id. */
  private static Map<String, FileDecoder.Sample> expected(FileDecoder decoder, Path root, String... files)
      throws Exception {
    Map<String, FileDecoder.Sample> samples = new HashMap<>();
    for (String file : files) {
      for (FileDecoder.Sample s : decoder.decode(file, Files.readAllBytes(root.resolve(file)))) {
        samples.put(s.id(), s);
      }
    }
    return samples;
  }

  @Test
  void videosBecomeClipsWithPathAndFrameIdsAndUndecodableStreamsAreQuarantined() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("videos/nested"));
    for (String f : List.of("baseline.mp4", "high.mov", "high10.mp4", "truncated_data.mp4", "not_video.mp4")) {
      Files.copy(FIXTURES.resolve("video").resolve(f), (f.startsWith("high.") ? in : in.getParent()).resolve(f));
    }
    VideoDecoder decoder = new VideoDecoder(ClipSpec.of(4, 2).withClipStride(3));
    String out = tmp.resolve("clips.parquet").toString();
    spark.conf().set(FileIngest.CODEC_CONF, "zstd"); // the session's codec wins over ingest's default
    RunSummary summary;
    try {
      summary = FileIngest.run(spark, decoder, new FileIngest.Source(tmp.resolve("videos").toString(), null), out,
          false);
    } finally {
      spark.conf().unset(FileIngest.CODEC_CONF);
    }
    assertEquals(java.util.Set.of(CompressionCodecName.ZSTD), codecs(out));

    Map<String, FileDecoder.Sample> want = expected(decoder, tmp.resolve("videos"), "baseline.mp4", "nested/high.mov");
    assertEquals(5, summary.in());
    assertEquals(2, summary.ok());
    assertEquals(3, summary.quarantined());
    assertEquals(want.size(), summary.outputRows());
    assertTrue(want.containsKey("baseline.mp4#0") && want.containsKey("nested/high.mov#3"), want.keySet().toString());
    Map<String, Row> got = byId(out);
    assertEquals(want.keySet(), got.keySet());
    for (var e : want.entrySet()) {
      TensorRows.Encoded row = TensorRows.check(got.get(e.getKey()));
      assertArrayEquals(e.getValue().array().shape(), row.shape(), e.getKey());
      assertArrayEquals(e.getValue().array().data(), (byte[]) got.get(e.getKey()).get(3), e.getKey());
    }
    Map<String, Row> bad = byId(InferenceJob.defaultQuarantine(out));
    assertEquals(java.util.Set.of("high10.mp4", "truncated_data.mp4", "not_video.mp4"), bad.keySet());
    for (Row r : bad.values()) {
      String id = r.getString(r.fieldIndex("id"));
      long length = Files.size(tmp.resolve("videos").resolve(id));
      assertEquals(length, r.getLong(r.fieldIndex(FileIngest.LENGTH)), id);
      assertEquals(length, ((byte[]) r.get(r.fieldIndex("data"))).length, id);
      assertTrue(r.getString(r.fieldIndex("error")).contains("record '" + id + "'"), r.toString());
    }
  }

  @Test
  void imagesDecodeOnTheExecutorsAndInferPreprocessesRawImagesAsTheModelDeclares() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("photos/sub"));
    List<String> good = List.of("jpeg_cmyk.jpg", "jpeg_progressive.jpg", "sub/jpeg_exif_6.jpg", "png_rgb16.png",
        "webp_lossless.webp", "sub/png_palette_trns.png");
    // A refused file's bytes are read again for the quarantine: a name full of glob characters must come back too.
    Map<String, String> badFrom = Map.of("truncated.jpg", "truncated.jpg", "zero_byte.jpg", "zero_byte.jpg",
        "text_named.jpg", "text_named.jpg", "bomb.png", "bomb.png", "sub/odd [1] {a,b}*?.jpg", "truncated.jpg");
    List<String> bad = List.copyOf(badFrom.keySet());
    for (String f : good) {
      Files.copy(FIXTURES.resolve("images").resolve(f.replace("sub/", "")), in.getParent().resolve(f));
    }
    for (String f : bad) {
      Files.copy(FIXTURES.resolve("images").resolve(badFrom.get(f)), in.getParent().resolve(f));
    }
    var root = new FileIngest.Source(in.getParent().toString(), null);
    String raw = tmp.resolve("raw.parquet").toString();
    RunSummary ingest = FileIngest.run(spark, new ImageDecoder(), root, raw, false);
    assertEquals(good.size() + bad.size(), ingest.in());
    assertTrue(!spark.conf().contains("spark.sql.files.minPartitionNum")
        && !spark.conf().contains("spark.sql.files.openCostInBytes") && !spark.conf().contains(FileIngest.CODEC_CONF),
        "the scan's settings are the session's again");
    assertEquals(java.util.Set.of(CompressionCodecName.UNCOMPRESSED), codecs(raw));
    assertEquals(bad.size(), ingest.quarantined(), () -> byId(InferenceJob.defaultQuarantine(raw)).keySet().toString());
    Map<String, FileDecoder.Sample> want = expected(new ImageDecoder(), in.getParent(), good.toArray(String[]::new));
    Map<String, Row> got = byId(raw);
    assertEquals(want.keySet(), got.keySet());
    for (var e : want.entrySet()) {
      assertArrayEquals(e.getValue().array().data(), (byte[]) got.get(e.getKey()).get(3), e.getKey());
    }
    Map<String, Row> refused = byId(InferenceJob.defaultQuarantine(raw));
    assertEquals(java.util.Set.copyOf(bad), refused.keySet());
    for (String f : bad) {
      byte[] original = Files.readAllBytes(in.getParent().resolve(f));
      assertArrayEquals(original, (byte[]) refused.get(f).get(refused.get(f).fieldIndex("data")), f);
      assertEquals(original.length, refused.get(f).getLong(refused.get(f).fieldIndex(FileIngest.LENGTH)), f);
    }
    assertTrue(refused.get("bomb.png").getString(refused.get("bomb.png").fieldIndex("error")).contains("max-pixels"));

    // infer on the raw uint8 images: the job applies the model's declared preprocessing (imagenet).
    Path spec = Path.of(System.getProperty("sparkconv.root"), "conf/models/mobilenet_v2.json");
    Network network = ModelLoader.load(spec);
    Preprocess preprocess = ModelLoader.preprocess(spec).orElseThrow();
    String out = tmp.resolve("classes.parquet").toString();
    RunSummary infer = InferenceJob.run(spark, network, new InferenceJob.Options(raw, out, null, 4, 2,
        InferenceJob.Mode.CREATE, "m", null, null, preprocess));
    assertEquals(good.size(), infer.ok());
    Map<String, Row> classes = byId(out);
    ExecutionContext ctx = new ExecutionContext();
    for (var e : want.entrySet()) {
      NpyArray input = preprocess.apply(e.getValue().array());
      Tensor expected = network.forward(input.toTensor().reshape(1, 3, 224, 224), ctx);
      assertArrayEquals(expected.toArray(), TensorRows.decode(classes.get(e.getKey())).data(), 1e-5f, e.getKey());
    }
  }

  @Test
  void aRefusedFileDeletedBeforeItsBytesAreReadAgainKeepsItsQuarantineRow() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("vanishing"));
    Files.write(in.resolve("kept.bin"), new byte[] {1, 2, 3});
    Files.write(in.resolve("gone.bin"), new byte[] {4, 5});
    String folder = in.toString();
    FileDecoder refuseAll = (id, content) -> {
      if (id.equals("gone.bin")) {
        try {
          Files.delete(Path.of(folder, id));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      throw new dev.sparkconv.io.BadRecordException(id, "content", "is refused by this test");
    };
    String out = tmp.resolve("vanishing.parquet").toString();
    RunSummary summary = FileIngest.run(spark, refuseAll, new FileIngest.Source(folder, null), out, false);

    assertEquals(2, summary.quarantined());
    Map<String, Row> refused = byId(InferenceJob.defaultQuarantine(out));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) refused.get("kept.bin").get(refused.get("kept.bin").fieldIndex("data")));
    Row gone = refused.get("gone.bin");
    assertEquals(null, gone.get(gone.fieldIndex("data")), "its bytes are gone");
    assertEquals(2, gone.getLong(gone.fieldIndex(FileIngest.LENGTH)));
    assertTrue(gone.getString(gone.fieldIndex("error")).contains("is refused by this test"));
  }

  @Test
  void aCleanRunsEmptyQuarantineReadsAsTheDatasetSparkWritesForNoRows() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("clean"));
    for (int i = 0; i < 2; i++) {
      dev.sparkconv.io.Npy.write(in.resolve("x" + i + ".npy"), Tensor.zeros(1, 32, 32));
    }
    String out = tmp.resolve("clean.parquet").toString();
    for (boolean overwrite : new boolean[] {false, true}) {
      RunSummary ingest = FileIngest.run(spark, new dev.sparkconv.io.NpyDecoder(), new FileIngest.Source(in.toString(),
          null), out, overwrite);
      assertEquals(0, ingest.quarantined());
      assertEmptyAsSparkWritesIt(ingest.quarantine(), TensorRows.QUARANTINE_SCHEMA.add(FileIngest.LENGTH,
          org.apache.spark.sql.types.DataTypes.LongType, false));
    }
    Network lenet = ModelLoader.load(Path.of(System.getProperty("sparkconv.root"), "conf/models/lenet5.json"));
    RunSummary infer = InferenceJob.run(spark, lenet, new InferenceJob.Options(out, tmp.resolve("scores.parquet")
        .toString(), null, 4, 2, false));
    assertEquals(2, infer.ok());
    assertEmptyAsSparkWritesIt(infer.quarantine(), TensorRows.QUARANTINE_SCHEMA);
  }

  private void assertEmptyAsSparkWritesIt(String quarantine, org.apache.spark.sql.types.StructType schema) {
    String bySpark = tmp.resolve("by-spark-" + System.nanoTime()).toString();
    spark.createDataFrame(List.of(), schema).write().parquet(bySpark);
    assertEquals(spark.read().parquet(bySpark).schema(), spark.read().parquet(quarantine).schema());
    assertEquals(0, spark.read().parquet(quarantine).count());
    assertTrue(Files.exists(Path.of(quarantine, "_SUCCESS")));
  }

  @Test
  void eachFolderOfFramesIsOneVideo() throws Exception {
    Path frames = FIXTURES.resolve("video/frames_56x40");
    Path root = tmp.resolve("frames");
    for (String clip : List.of("a", "b/c")) {
      Path dir = Files.createDirectories(root.resolve(clip));
      try (var files = Files.list(frames)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    Files.writeString(root.resolve("b/c/zz_notes.png"), "not an image");
    FrameFolderDecoder decoder = new FrameFolderDecoder(ClipSpec.of(3, 2));
    String out = tmp.resolve("frames.parquet").toString();
    RunSummary summary = FileIngest.runFrameFolders(spark, decoder, new FileIngest.Source(root.toString(), null), out,
        false);

    assertEquals(2, summary.in());
    assertEquals(1, summary.quarantined());
    List<FrameFolderDecoder.Frame> list = new java.util.ArrayList<>();
    try (var files = Files.list(frames)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        list.add(new FrameFolderDecoder.Frame(f.getFileName().toString(), Files.readAllBytes(f)));
      }
    }
    Map<String, Row> got = byId(out);
    for (FileDecoder.Sample s : decoder.decode("a", list)) {
      assertArrayEquals(s.array().data(), (byte[]) got.get(s.id()).get(3), s.id());
    }
    assertEquals(decoder.decode("a", list).size(), got.size());
    Row bad = byId(InferenceJob.defaultQuarantine(out)).get("b/c");
    assertTrue(bad.getString(bad.fieldIndex("error")).contains("zz_notes.png"), bad.toString());
  }
}
