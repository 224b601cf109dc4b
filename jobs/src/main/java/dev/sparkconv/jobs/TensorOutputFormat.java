package dev.sparkconv.jobs;

import dev.sparkconv.io.FileDecoder.Sample;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Samples to Parquet tensor files ({@link TensorParquetWriter}), one per task, through Hadoop's output format so that
 * Spark's {@code saveAsNewAPIHadoopFile} gives the writes Hadoop's commit protocol: an attempt writes under
 * {@code _temporary}, only committed attempts are moved into place, {@code _SUCCESS} marks the finished job.
 */
public final class TensorOutputFormat extends FileOutputFormat<Void, Sample> {
  /** The Parquet codec's name, as Spark's {@code spark.sql.parquet.compression.codec} takes it. */
  static final String CODEC = "sparkconv.tensor.codec";
  /** Data bytes a row group holds before it is written (Parquet's own setting). */
  static final String ROW_GROUP_BYTES = "parquet.block.size";
  static final long DEFAULT_ROW_GROUP_BYTES = 16 << 20;

  public TensorOutputFormat() {} // Hadoop instantiates it by name

  @Override
  public RecordWriter<Void, Sample> getRecordWriter(TaskAttemptContext context) throws IOException {
    Configuration conf = context.getConfiguration();
    CompressionCodecName codec = TensorParquetWriter.codec(conf.get(CODEC, "uncompressed"));
    Path file = getDefaultWorkFile(context, codec.getExtension() + ".parquet");
    CodecFactory codecs = new CodecFactory(conf, 1 << 20);
    TensorParquetWriter writer = new TensorParquetWriter(outputFile(file, conf),
        codecs.getCompressor(codec), conf.getLong(ROW_GROUP_BYTES, DEFAULT_ROW_GROUP_BYTES));
    return new RecordWriter<>() {
      @Override
      public void write(Void key, Sample sample) throws IOException {
        writer.write(sample);
      }

      @Override
      public void close(TaskAttemptContext ignored) throws IOException {
        try {
          writer.close();
        } finally {
          codecs.release();
        }
      }
    };
  }

  /**
   * The file, written through the raw file system where Hadoop's is a checksumming one (the local file system):
   * its CRC sidecar cost 0.5 ms of CPU for each 600 KB image, as much as the rest of the write, since it
   * checksums and writes in 512-byte pieces. Spark's reader reads a file without its sidecar as it is.
   */
  private static OutputFile outputFile(Path file, Configuration conf) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    FileSystem target = fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    return new OutputFile() {
      @Override
      public PositionOutputStream create(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(target.create(file, false));
      }

      @Override
      public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(target.create(file, true));
      }

      @Override
      public boolean supportsBlockSize() {
        return false;
      }

      @Override
      public long defaultBlockSize() {
        return 0;
      }

      @Override
      public String getPath() {
        return file.toString();
      }
    };
  }
}
