package dev.sparkconv.jobs;

import java.util.List;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag;

/**
 * Its parent's partitions, computed where the given locations are preferred: {@code executor_<host>_<id>}
 * strings pin a tower's tasks to that tower's executors (with spark.locality.wait.process at 30 s, the scheduler
 * waits for them rather than running a task elsewhere).
 */
final class PlacedRDD<T> extends RDD<T> {
  private final RDD<T> parent;
  private final List<String> locations;

  PlacedRDD(RDD<T> parent, List<String> locations, ClassTag<T> tag) {
    super(parent, tag);
    this.parent = parent;
    this.locations = List.copyOf(locations);
  }

  @Override
  public Iterator<T> compute(Partition split, TaskContext context) {
    return parent.iterator(split, context);
  }

  @Override
  public Partition[] getPartitions() {
    return parent.partitions();
  }

  /**
   * Asked on the driver when a stage (or a retry of it) is submitted: the given executors that are still
   * alive, none when all are gone (a retry after an executor died then runs anywhere at once).
   */
  @Override
  public Seq<String> getPreferredLocations(Partition split) {
    var alive = new java.util.HashSet<>(scala.jdk.javaapi.CollectionConverters.asJava(sparkContext().getExecutorIds()));
    List<String> live = locations.stream().filter(l -> alive.contains(l.substring(l.lastIndexOf('_') + 1))).toList();
    return scala.jdk.javaapi.CollectionConverters.asScala(live).toList();
  }
}
