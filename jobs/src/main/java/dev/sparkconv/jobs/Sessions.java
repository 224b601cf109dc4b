package dev.sparkconv.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.SparkSession;

/**
 * Opens the SparkSession for a command. The master and the properties file come from
 * spark-submit (scripts/sparkconv submits through it too) or from --master; never chosen here.
 */
final class Sessions {
  private Sessions() {}

  static SparkSession open(String command, String master) {
    SparkConf conf = new SparkConf(); // picks up the spark.* system properties spark-submit sets
    conf.setIfMissing("spark.serializer", KryoSerializer.class.getName());
    conf.setIfMissing("spark.kryo.registrator", SparkconvKryoRegistrator.class.getName());
    conf.setIfMissing(NioLocalFileSystem.CONF, NioLocalFileSystem.class.getName());
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
}
