package dev.sparkconv.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder;
import dev.sparkconv.io.NpyArray;
import dev.sparkconv.io.video.FrameFolderDecoder;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Files to Parquet tensor rows: Spark's binaryFile source lists the files, the executors read ({@link FileBytes})
 * and decode them with a Spark-free {@link FileDecoder} (or, for folders of video frames, a
 * {@link FrameFolderDecoder} per folder), and each file gives its samples or one quarantine row (id,
 * original bytes, original length, reason). Files are decoded once and the samples stream straight
 * into the output: only the refusals (small: path, reason, length) come back to the driver, and the
 * quarantine reads the refused files' bytes again, so a run with no bad file reads its input once.
 */
public final class FileIngest {
  public static final String LENGTH = "length";
  /** A refused file's path relative to the root, while its bytes are read again. */
  private static final String SOURCE = "source";
  private static final StructType QUARANTINE = TensorRows.QUARANTINE_SCHEMA
      .add(DataTypes.createStructField(LENGTH, DataTypes.LongType, false));

  private FileIngest() {}

  /** Where to read: a folder (searched recursively) or a glob, and an optional file-name filter. */
  public record Source(String input, String nameGlob) {}

  /**
   * A file (or frame folder) the decoder refused, as its quarantine row names it. {@code file} (its
   * path relative to the root) is set when the quarantine keeps the file's bytes, read again from it;
   * a frame folder's frames stay in the input folder.
   */
  static final class Refusal implements Serializable { // a class, not a record: Kryo ships it to the driver
    final String file;
    final String id;
    final String reason;
    final long length;

    Refusal(String file, String id, String reason, long length) {
      this.file = file;
      this.id = id;
      this.reason = reason;
      this.length = length;
    }
  }

  /** What the decode pass reports besides its rows, through accumulators (merged once per successful task). */
  private record Tally(CollectionAccumulator<Refusal> refused, LongAccumulator filesRead, LongAccumulator samples,
      Reruns reruns) implements Serializable {
    static Tally register(SparkSession spark) {
      var sc = spark.sparkContext();
      return new Tally(sc.collectionAccumulator("sparkconv refused files"), sc.longAccumulator("sparkconv files read"),
          sc.longAccumulator("sparkconv samples"), Reruns.register(spark));
    }

    /** Whether every task ran once, so that the counts are exact without reading the output back. */
    boolean exact() {
      return reruns.none();
    }

    Iterator<FileDecoder.Sample> decoded(List<FileDecoder.Sample> decoded) {
      samples.add(decoded.size());
      return decoded.iterator();
    }

    void read() {
      filesRead.add(1);
      reruns.note(); // a rerun counts its files again: the driver then checks the listing itself
    }

    /** The refusals, one per file even when a rerun task reported it twice. */
    Collection<Refusal> refusals() {
      Map<String, Refusal> byFile = new LinkedHashMap<>();
      for (Refusal r : refused.value()) {
        byFile.putIfAbsent(r.file != null ? r.file : r.id, r);
      }
      return byFile.values();
    }
  }

  public static RunSummary run(SparkSession spark, FileDecoder decoder, Source source, String output,
      boolean overwrite) {
    long start = System.nanoTime();
    String root = root(spark, source.input());
    Dataset<Row> files = files(spark, source);
    String[] listed = files.inputFiles();
    Tally tally = Tally.register(spark);
    FileBytes bytes = new FileBytes(spark.sessionState().newHadoopConf());
    writeSamples(spark, () -> files.javaRDD().flatMap(file -> decode(decoder, root, file, bytes, tally)), output,
        overwrite);
    Collection<Refusal> refusals = tally.refusals();
    List<Row> unread = unread(spark, files, listed, root, tally);
    Dataset<Row> quarantine = unread.isEmpty() ? refused(spark, root, refusals)
        : refused(spark, root, refusals).union(spark.createDataFrame(unread, QUARANTINE));
    return finish(spark, quarantine, refusals.size() + unread.size(), tally, output, overwrite, start,
        listed.length);
  }

  /** Each folder of frame images is one video: its files are brought together by folder, then cut into clips. */
  public static RunSummary runFrameFolders(SparkSession spark, FrameFolderDecoder decoder, Source source,
      String output, boolean overwrite) {
    long start = System.nanoTime();
    String root = root(spark, source.input());
    Dataset<Row> files = files(spark, source);
    Tally tally = Tally.register(spark);
    FileBytes bytes = new FileBytes(spark.sessionState().newHadoopConf());
    Dataset<Row> samples = files // only paths are grouped: each folder's task reads its frames
        .groupByKey((MapFunction<Row, String>) file -> folderOf(relativeId(root, file.getString(0))), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (folder, frames) -> rows(decodeFolder(decoder, root,
            folder, frames, bytes, tally)), Encoders.row(TensorRows.SCHEMA));
    writeSamples(spark, () -> samples.javaRDD().map(FileIngest::sample), output, overwrite);
    long folders = tally.exact() ? tally.filesRead.value() : files.select("path").as(Encoders.STRING())
        .map((MapFunction<String, String>) path -> folderOf(relativeId(root, path)), Encoders.STRING())
        .distinct().count();
    Collection<Refusal> refusals = tally.refusals();
    return finish(spark, refused(spark, root, refusals), refusals.size(), tally, output, overwrite, start, folders);
  }

  /** Spark's setting for the Parquet codec; ingest's default below applies where the session does not set it. */
  public static final String CODEC_CONF = "spark.sql.parquet.compression.codec";
  /**
   * Ingested tensors are stored uncompressed unless the session names a codec: pixels decoded from JPEG barely
   * compress (Snappy: 0.93 of a 224x224 uint8 image), and a normalised float32 image shrinks to 0.47 at a cost of
   * 1.5 ms of CPU, about as much as decoding it (measured with snappy-java 1.1.10 on Zen 5).
   */
  static final String DEFAULT_CODEC = "uncompressed";

  /**
   * Writes the samples through {@link TensorOutputFormat} (Spark's Parquet writer cost 1.2 ms of CPU a 600 KB image
   * more, see {@link TensorParquetWriter}), in the session's Parquet codec or else ingest's default. The scan's
   * settings below are in force while {@code samples} plans its read.
   */
  private static void writeSamples(SparkSession spark, Supplier<JavaRDD<FileDecoder.Sample>> samples, String output,
      boolean overwrite) {
    // Spark packs files into read tasks by bytes, counting 4 MB for each file opened: about 32 photos a task
    // however many cores there are, in waves that leave cores idle. Decoding costs per file, so pack by the
    // files' own sizes into at least two tasks a core; settings the session makes itself are left alone.
    Map<String, String> settings = new HashMap<>(Map.of("spark.sql.files.openCostInBytes", String.valueOf(64 << 10),
        "spark.sql.files.minPartitionNum", String.valueOf(2 * spark.sparkContext().defaultParallelism()),
        CODEC_CONF, DEFAULT_CODEC));
    settings.keySet().removeIf(spark.conf()::contains);
    Configuration conf = spark.sessionState().newHadoopConf();
    conf.set(TensorOutputFormat.CODEC, spark.conf().get(CODEC_CONF, DEFAULT_CODEC));
    SessionSettings.during(spark, settings, () -> {
      JavaRDD<FileDecoder.Sample> rdd = samples.get();
      clear(conf, output, overwrite);
      rdd.mapToPair(s -> new Tuple2<Void, FileDecoder.Sample>(null, s))
          .saveAsNewAPIHadoopFile(output, Void.class, FileDecoder.Sample.class, TensorOutputFormat.class, conf);
      return null;
    });
  }

  /** Overwrite deletes an existing output first, as Spark's writer does; otherwise one is an error. */
  private static void clear(Configuration conf, String output, boolean overwrite) {
    Path path = new Path(output);
    try {
      var fs = path.getFileSystem(conf);
      if (fs.exists(path)) {
        if (!overwrite) {
          throw new IllegalArgumentException("output " + output + " already exists (overwrite is off)");
        }
        fs.delete(path, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("output " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the quarantine and reports the counts: the tasks' own when every task ran once (two fewer jobs: half a
   * second of a 1000-photo run), else counted again from what was written, exact even when tasks were retried.
   */
  private static RunSummary finish(SparkSession spark, Dataset<Row> quarantine, long refused, Tally tally,
      String output, boolean overwrite, long start, long files) {
    String quarantinePath = InferenceJob.defaultQuarantine(output);
    Quarantines.write(spark, quarantine, refused == 0, quarantinePath,
        overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean exact = tally.exact();
    long samples = exact ? tally.samples.value() : spark.read().parquet(output).count();
    long quarantined = exact ? refused : spark.read().parquet(quarantinePath).count();
    return new RunSummary("ingest", files, files - quarantined, quarantined, 0, seconds, output, quarantinePath,
        null, null, samples);
  }

  /**
   * Quarantine rows for the refusals: files keep their bytes, read again from the source (the same
   * reader, so the same file system and options), frame folders do not. A file that cannot be read again
   * (deleted since) still has its row, without bytes: no refusal is lost.
   */
  private static Dataset<Row> refused(SparkSession spark, String root, Collection<Refusal> refusals) {
    if (refusals.isEmpty()) { // a clean run's: planning the query below cost 25-50 ms
      return spark.createDataFrame(List.of(), QUARANTINE);
    }
    List<Row> folders = new ArrayList<>();
    List<Row> files = new ArrayList<>();
    for (Refusal r : refusals) {
      (r.file == null ? folders : files).add(RowFactory.create(r.file, r.id, r.reason, r.length));
    }
    StructType refusal = DataTypes.createStructType(List.of(
        DataTypes.createStructField(SOURCE, DataTypes.StringType, true),
        DataTypes.createStructField(TensorRows.ID, DataTypes.StringType, false),
        DataTypes.createStructField(TensorRows.ERROR, DataTypes.StringType, false),
        DataTypes.createStructField(LENGTH, DataTypes.LongType, false)));
    Dataset<Row> kept = spark.createDataFrame(folders, refusal).withColumn(TensorRows.DATA, lit(null).cast("binary"));
    if (!files.isEmpty()) {
      StructType bytes = DataTypes.createStructType(List.of(
          DataTypes.createStructField(SOURCE, DataTypes.StringType, false),
          DataTypes.createStructField(TensorRows.DATA, DataTypes.BinaryType, true)));
      // Refused files are few: the driver checks which are still there, since one missing path fails a load.
      String[] present = files.stream().map(r -> root + r.getString(0)).filter(path -> exists(spark, path))
          .map(FileIngest::literalGlob).toArray(String[]::new);
      Dataset<Row> reread = present.length == 0 ? spark.createDataFrame(List.of(), bytes)
          : spark.read().format("binaryFile").load(present).select("path", "content")
              .map((MapFunction<Row, Row>) f -> RowFactory.create(relativeId(root, f.getString(0)), f.get(1)),
                  Encoders.row(bytes));
      kept = kept.union(spark.createDataFrame(files, refusal).join(reread, SOURCE, "left")
          .select(SOURCE, TensorRows.ID, TensorRows.ERROR, LENGTH, TensorRows.DATA));
    }
    return kept.select(col(TensorRows.ID), lit(null).cast(TensorRows.QUARANTINE_SCHEMA.apply(TensorRows.SHAPE).dataType())
            .as(TensorRows.SHAPE), lit(null).cast("string").as(TensorRows.DTYPE), col(TensorRows.DATA),
        col(TensorRows.ERROR), col(LENGTH));
  }

  /**
   * Quarantine rows for the files Spark listed but its scan never reads: it skips empty files
   * (SPARK-26161). When the decode pass read every listed file once, there are none; otherwise the
   * listing is compared with a scan of the paths alone (no file's bytes are read).
   */
  private static List<Row> unread(SparkSession spark, Dataset<Row> files, String[] listed, String root,
      Tally tally) {
    if (tally.exact() && tally.filesRead.value() == listed.length) {
      return List.of();
    }
    Set<String> scanned = new HashSet<>();
    for (String path : files.select("path").as(Encoders.STRING()).collectAsList()) {
      scanned.add(relativeId(root, path));
    }
    List<Row> rows = new ArrayList<>();
    for (String path : listed) {
      String id = listedId(root, path);
      if (!scanned.contains(id)) {
        rows.add(RowFactory.create(id, null, null, new byte[0],
            new BadRecordException(id, "content", "is empty (0 bytes)").getMessage(), 0L));
      }
    }
    return rows;
  }

  private static boolean exists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("file " + path + ": " + e.getMessage(), e);
    }
  }

  /** A path that Spark's loader takes literally: Hadoop's glob characters escaped. */
  private static String literalGlob(String path) {
    return path.replaceAll("([\\\\{}\\[\\]*?])", "\\\\$1");
  }

  private static Dataset<Row> files(SparkSession spark, Source source) {
    var reader = spark.read().format("binaryFile").option("recursiveFileLookup", "true");
    if (source.nameGlob() != null) {
      reader = reader.option("pathGlobFilter", source.nameGlob());
    }
    return reader.load(source.input()).select("path", "length"); // the tasks read the content: FileBytes
  }

  private static Iterator<FileDecoder.Sample> decodeFolder(FrameFolderDecoder decoder, String root, String folder,
      Iterator<Row> files, FileBytes bytes, Tally tally) {
    List<FrameFolderDecoder.Frame> frames = new ArrayList<>();
    long length = 0;
    tally.read();
    try {
      while (files.hasNext()) {
        Row file = files.next();
        String id = relativeId(root, file.getString(0));
        byte[] content = bytes.read(id, file.getString(0), file.getLong(1));
        frames.add(new FrameFolderDecoder.Frame(id.substring(id.lastIndexOf('/') + 1), content));
        length += content.length;
      }
      return tally.decoded(decoder.decode(folder, frames));
    } catch (BadRecordException e) { // the frames are kept in the input folder, not copied into the quarantine
      tally.refused.add(new Refusal(null, folder, e.getMessage(), length));
      return Collections.emptyIterator();
    }
  }

  static String folderOf(String relativePath) {
    int slash = relativePath.lastIndexOf('/');
    return slash < 0 ? "." : relativePath.substring(0, slash);
  }

  private static Iterator<Row> rows(Iterator<FileDecoder.Sample> samples) {
    List<Row> rows = new ArrayList<>();
    samples.forEachRemaining(s -> rows.add(RowFactory.create(s.id(), TensorRows.intSeq(s.array().shape()),
        s.array().dtype(), s.array().data())));
    return rows.iterator();
  }

  private static FileDecoder.Sample sample(Row row) {
    return new FileDecoder.Sample(row.getString(0), new NpyArray(row.<Integer>getList(1).stream()
        .mapToInt(Integer::intValue).toArray(), row.getString(2), (byte[]) row.get(3)));
  }

  private static Iterator<FileDecoder.Sample> decode(FileDecoder decoder, String root, Row file, FileBytes bytes, Tally tally) {
    String id = relativeId(root, file.getString(0));
    tally.read();
    byte[] content;
    try {
      content = bytes.read(id, file.getString(0), file.getLong(1));
    } catch (BadRecordException e) { // not readable as one record: quarantined without its bytes
      tally.refused.add(new Refusal(null, id, e.getMessage(), file.getLong(1)));
      return Collections.emptyIterator();
    }
    try {
      return tally.decoded(decoder.decode(id, content));
    } catch (BadRecordException e) { // the file's own defect; anything else is our bug and fails the task
      tally.refused.add(new Refusal(id, e.recordId() != null ? e.recordId() : id, e.getMessage(), content.length));
      return Collections.emptyIterator();
    }
  }

  /**
   * The folder ids are relative to: the input itself when it names a folder, else the folder above
   * its first glob character. Qualified like binaryFile's paths (file:/..., hdfs://...).
   */
  static String root(SparkSession spark, String input) {
    int glob = firstGlob(input);
    String folder = glob < 0 ? input : input.substring(0, Math.max(0, input.lastIndexOf('/', glob)));
    try {
      Path path = new Path(folder.isEmpty() ? "/" : folder);
      var fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path qualified = fs.makeQualified(path);
      if (glob < 0 && fs.isFile(qualified)) {
        qualified = qualified.getParent();
      }
      return qualified.toString().replaceAll("/+$", "") + "/";
    } catch (IOException e) {
      throw new UncheckedIOException("input " + input + ": " + e.getMessage(), e);
    }
  }

  private static int firstGlob(String input) {
    for (int i = 0; i < input.length(); i++) {
      if ("*?[{".indexOf(input.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The id of a file in Spark's listing (inputFiles), which is URL-encoded ("a%20b.jpg") where the scan's paths are not. */
  static String listedId(String root, String listedUri) {
    return relativeId(root, new Path(java.net.URI.create(listedUri)).toString());
  }

  /** A file's path relative to the input root: stable across runs and machines. */
  static String relativeId(String root, String path) {
    String p = path.startsWith("file:///") ? "file:/" + path.substring("file:///".length()) : path;
    String r = root.startsWith("file:///") ? "file:/" + root.substring("file:///".length()) : root;
    if (!p.startsWith(r)) {
      throw new IllegalStateException("file " + path + " is not under the input root " + root);
    }
    return p.substring(r.length());
  }
}
