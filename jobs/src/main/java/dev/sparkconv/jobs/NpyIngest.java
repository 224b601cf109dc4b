package dev.sparkconv.jobs;

import dev.sparkconv.io.Npy;
import dev.sparkconv.io.NpyArray;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * .npy files (one sample each, no batch dimension) to Parquet tensor rows, id = file stem.
 * Files are read by the executors through Spark's binaryFile source; a file that is not a
 * readable .npy goes to quarantine with its bytes and the reason.
 */
public final class NpyIngest {
  private NpyIngest() {}

  public static RunSummary run(SparkSession spark, String inputDir, String output, boolean overwrite) {
    long start = System.nanoTime();
    Dataset<Row> files = spark.read().format("binaryFile")
        .option("pathGlobFilter", "*.npy")
        .option("recursiveFileLookup", "true")
        .load(inputDir)
        .select("path", "content");
    SaveMode mode = overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
    String quarantine = InferenceJob.defaultQuarantine(output);
    files.flatMap((FlatMapFunction<Row, Row>) file -> convert(file, false),
            Encoders.row(TensorRows.SCHEMA))
        .write().mode(mode).parquet(output);
    files.flatMap((FlatMapFunction<Row, Row>) file -> convert(file, true),
            Encoders.row(TensorRows.QUARANTINE_SCHEMA))
        .write().mode(mode).parquet(quarantine);
    double seconds = (System.nanoTime() - start) / 1e9;
    long in = files.count();
    long ok = spark.read().parquet(output).count();
    long quarantined = spark.read().parquet(quarantine).count();
    return new RunSummary("ingest", in, ok, quarantined, 0, seconds, output, quarantine, null, null);
  }

  /** A good file as a tensor row, or (with {@code refusedOnly}) a bad file as a quarantine row. */
  private static Iterator<Row> convert(Row file, boolean refusedOnly) {
    String path = file.getString(0);
    byte[] content = (byte[]) file.get(1);
    String id = stem(path);
    try {
      NpyArray array = Npy.parse(content, path);
      return refusedOnly ? none() : List.of(TensorRows.rawRow(id, array.shape(), array.dtype(), array.data())).iterator();
    } catch (IOException e) {
      return refusedOnly ? List.of(RowFactory.create(id, null, null, content, e.getMessage())).iterator() : none();
    }
  }

  private static Iterator<Row> none() {
    return java.util.Collections.emptyIterator();
  }

  static String stem(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
  }
}
