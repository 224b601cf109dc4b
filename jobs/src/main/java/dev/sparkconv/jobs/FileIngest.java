package dev.sparkconv.jobs;

import static org.apache.spark.sql.functions.col;

import dev.sparkconv.io.BadRecordException;
import dev.sparkconv.io.FileDecoder;
import dev.sparkconv.io.video.FrameFolderDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
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
import org.apache.spark.storage.StorageLevel;

/**
 * Files to Parquet tensor rows: Spark's binaryFile source lists and reads the files, the executors
 * decode them with a Spark-free {@link FileDecoder} (or, for folders of video frames, a
 * {@link FrameFolderDecoder} per folder), and each file gives its samples or one quarantine row (id,
 * original bytes, original length, reason). Files are decoded once: the decoded
 * rows are persisted and both outputs are written from them.
 */
public final class FileIngest {
  public static final String LENGTH = "length";
  /** The file (or frame folder) a decoded row came from; counts are per file. */
  private static final String SOURCE = "source";
  /** A decoded sample (error null) or a refused file (error set), with the file's length in bytes. */
  private static final StructType DECODED = DataTypes.createStructType(java.util.Arrays.stream(
          TensorRows.QUARANTINE_SCHEMA.fields()).map(f -> f.name().equals(TensorRows.ERROR)
          ? DataTypes.createStructField(f.name(), f.dataType(), true) : f).toList())
      .add(DataTypes.createStructField(LENGTH, DataTypes.LongType, false))
      .add(DataTypes.createStructField(SOURCE, DataTypes.StringType, false));
  private static final StructType QUARANTINE = DataTypes.createStructType(
      java.util.Arrays.copyOf(DECODED.fields(), DECODED.fields().length - 1));

  private FileIngest() {}

  /** Where to read: a folder (searched recursively) or a glob, and an optional file-name filter. */
  public record Source(String input, String nameGlob) {}

  public static RunSummary run(SparkSession spark, FileDecoder decoder, Source source, String output,
      boolean overwrite) {
    long start = System.nanoTime();
    String root = root(spark, source.input());
    Dataset<Row> files = files(spark, source);
    Dataset<Row> decoded = files.flatMap(
        (FlatMapFunction<Row, Row>) file -> decode(decoder, root, file), Encoders.row(DECODED));
    return write(spark, decoded, output, overwrite, start, skippedByScan(spark, files, root));
  }

  /** Each folder of frame images is one video: its files are brought together by folder, then cut into clips. */
  public static RunSummary runFrameFolders(SparkSession spark, FrameFolderDecoder decoder, Source source,
      String output, boolean overwrite) {
    long start = System.nanoTime();
    String root = root(spark, source.input());
    Dataset<Row> decoded = files(spark, source)
        .groupByKey((MapFunction<Row, String>) file -> folderOf(relativeId(root, file.getString(0))), Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (folder, files) -> decodeFolder(decoder, root,
            folder, files), Encoders.row(DECODED));
    return write(spark, decoded, output, overwrite, start, null);
  }

  /**
   * Files Spark listed but its scan never reads: it skips empty files (SPARK-26161). Each becomes a
   * quarantine row, so no file is dropped silently. Taken from Spark's own listing (inputFiles).
   */
  private static Dataset<Row> skippedByScan(SparkSession spark, Dataset<Row> files, String root) {
    List<Row> listed = new ArrayList<>();
    for (String path : files.inputFiles()) {
      listed.add(RowFactory.create(relativeId(root, path)));
    }
    return spark.createDataFrame(listed, DataTypes.createStructType(List.of(
        DataTypes.createStructField(SOURCE, DataTypes.StringType, false))));
  }

  /** Quarantine rows for the listed files that no decoded row came from. */
  private static Dataset<Row> unread(Dataset<Row> listed, Dataset<Row> decoded) {
    return listed.join(decoded.select(SOURCE).distinct(), SOURCE, "left_anti").map(
        (MapFunction<Row, Row>) r -> RowFactory.create(r.getString(0), null, null, new byte[0],
            new BadRecordException(r.getString(0), "content", "is empty (0 bytes)").getMessage(), 0L),
        Encoders.row(QUARANTINE));
  }

  private static Dataset<Row> files(SparkSession spark, Source source) {
    var reader = spark.read().format("binaryFile").option("recursiveFileLookup", "true");
    if (source.nameGlob() != null) {
      reader = reader.option("pathGlobFilter", source.nameGlob());
    }
    return reader.load(source.input()).select("path", "content");
  }

  /**
   * Writes the samples and the quarantine from one decode (persisted), then counts what was written.
   * {@code listed}: every file Spark listed (a SOURCE column), or null when every file gives a row.
   */
  private static RunSummary write(SparkSession spark, Dataset<Row> decoded, String output, boolean overwrite,
      long start, Dataset<Row> listed) {
    decoded = decoded.persist(StorageLevel.DISK_ONLY());
    SaveMode mode = overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
    String quarantine = InferenceJob.defaultQuarantine(output);
    try {
      Dataset<Row> ok = decoded.where(col(TensorRows.ERROR).isNull())
          .select(TensorRows.ID, TensorRows.SHAPE, TensorRows.DTYPE, TensorRows.DATA);
      spark.createDataFrame(ok.javaRDD(), TensorRows.SCHEMA).write().mode(mode).parquet(output);
      Dataset<Row> refused = decoded.where(col(TensorRows.ERROR).isNotNull()).drop(SOURCE);
      (listed == null ? refused : refused.union(unread(listed, decoded))).write().mode(mode).parquet(quarantine);
      long files = listed == null ? decoded.select(SOURCE).distinct().count() : listed.count();
      double seconds = (System.nanoTime() - start) / 1e9;
      // Counts come from what was written, so they are exact even when tasks were retried.
      long samples = spark.read().parquet(output).count();
      long quarantined = spark.read().parquet(quarantine).count();
      return new RunSummary("ingest", files, files - quarantined, quarantined, 0, seconds, output, quarantine, null,
          null, samples);
    } finally {
      decoded.unpersist();
    }
  }

  private static Iterator<Row> decodeFolder(FrameFolderDecoder decoder, String root, String folder,
      Iterator<Row> files) {
    List<FrameFolderDecoder.Frame> frames = new ArrayList<>();
    long length = 0;
    while (files.hasNext()) {
      Row file = files.next();
      byte[] content = (byte[]) file.get(1);
      String id = relativeId(root, file.getString(0));
      frames.add(new FrameFolderDecoder.Frame(id.substring(id.lastIndexOf('/') + 1), content));
      length += content.length;
    }
    try {
      return rows(decoder.decode(folder, frames), length, folder);
    } catch (BadRecordException e) { // the frames are kept in the input folder, not copied into the quarantine
      return List.of(RowFactory.create(folder, null, null, null, e.getMessage(), length, folder)).iterator();
    }
  }

  static String folderOf(String relativePath) {
    int slash = relativePath.lastIndexOf('/');
    return slash < 0 ? "." : relativePath.substring(0, slash);
  }

  private static Iterator<Row> rows(List<FileDecoder.Sample> samples, long length, String source) {
    List<Row> rows = new ArrayList<>(samples.size());
    for (FileDecoder.Sample s : samples) {
      rows.add(RowFactory.create(s.id(), TensorRows.intSeq(s.array().shape()), s.array().dtype(), s.array().data(),
          null, length, source));
    }
    return rows.iterator();
  }

  private static Iterator<Row> decode(FileDecoder decoder, String root, Row file) {
    String path = file.getString(0);
    byte[] content = (byte[]) file.get(1);
    String id = relativeId(root, path);
    try {
      return rows(decoder.decode(id, content), content.length, id);
    } catch (BadRecordException e) { // the file's own defect; anything else is our bug and fails the task
      String recordId = e.recordId() != null ? e.recordId() : id;
      return List.of(RowFactory.create(recordId, null, null, content, e.getMessage(), (long) content.length, id))
          .iterator();
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
