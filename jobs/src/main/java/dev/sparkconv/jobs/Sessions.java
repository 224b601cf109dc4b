package dev.sparkconv.jobs;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.SparkSession;

/**
 * Opens the SparkSession for a command. The master comes from --master, spark-submit or the
 * launcher's -Dspark.master; it is never chosen here.
 */
final class Sessions {
  private Sessions() {}

  static SparkSession open(String command, String master) {
    SparkConf conf = new SparkConf(); // picks up spark.* system properties, as spark-submit sets them
    defaultsFile().ifPresent(file -> loadDefaults(conf, file));
    conf.setIfMissing("spark.serializer", KryoSerializer.class.getName());
    conf.setIfMissing("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName());
    if (master != null) {
      conf.setMaster(master);
    }
    if (!conf.contains("spark.master")) {
      throw new IllegalArgumentException(
          "no Spark master: pass --master (e.g. local[2] or spark://host:7077), or run through spark-submit");
    }
    conf.setIfMissing("spark.app.name", "sparkconv " + command);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** conf/spark-defaults.conf of the installation the launcher runs from (spark-submit reads its own). */
  private static java.util.Optional<Path> defaultsFile() {
    String home = System.getProperty("sparkconv.home");
    if (home == null) {
      return java.util.Optional.empty();
    }
    Path file = Path.of(home, "conf", "spark-defaults.conf");
    return Files.isRegularFile(file) ? java.util.Optional.of(file) : java.util.Optional.empty();
  }

  private static void loadDefaults(SparkConf conf, Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      props.load(reader); // spark-defaults.conf is whitespace-separated key value: Properties accepts that
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    props.stringPropertyNames().forEach(key -> conf.setIfMissing(key, props.getProperty(key).trim()));
  }
}
