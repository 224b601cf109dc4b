package dev.sparkconv.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.SparkToParquetSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a job's quarantine. A clean run's quarantine is empty, and Spark spends a whole job (a quarter of a second
 * of a 10-second run) writing nothing; such a quarantine is written here as Spark writes an empty dataset: one
 * Parquet file with the schema and no row groups, and {@code _SUCCESS}.
 */
final class Quarantines {
  private Quarantines() {}

  /** {@code mode} is Overwrite or ErrorIfExists; {@code empty} says that {@code rows} holds none. */
  static void write(SparkSession spark, Dataset<Row> rows, boolean empty, String path, SaveMode mode) {
    if (!empty) {
      rows.write().mode(mode).options(TensorRows.WRITE_OPTIONS).parquet(path);
      return;
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path folder = new Path(path);
    try {
      var fs = folder.getFileSystem(conf);
      if (fs.exists(folder)) {
        if (mode != SaveMode.Overwrite) {
          throw new IllegalArgumentException("quarantine " + path + " already exists");
        }
        fs.delete(folder, true);
      }
      StructType schema = rows.schema();
      var parquetSchema = new SparkToParquetSchemaConverter(SQLConf.get()).convert(schema);
      var writer = new ParquetFileWriter(HadoopOutputFile.fromPath(new Path(folder, "part-00000.parquet"), conf),
          parquetSchema, ParquetFileWriter.Mode.CREATE, 0, 0);
      writer.start();
      writer.end(Map.of(TensorParquetWriter.SPARK_SCHEMA_KEY, schema.json()));
      fs.create(new Path(folder, "_SUCCESS"), false).close();
    } catch (IOException e) {
      throw new UncheckedIOException("quarantine " + path + ": " + e.getMessage(), e);
    }
  }
}
