package dev.sparkconv.jobs;

import dev.sparkconv.nn.Network;
import dev.sparkconv.nn.tower.TowerPlan;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.CollectionAccumulator;

/**
 * One tower's weights, broadcast on their own: its sub-network per stage (null where the tower takes no
 * part). An executor that runs tower t's tasks fetches only this broadcast; the first {@link #of} per
 * executor JVM and broadcast records "executor/tower", so the driver can check placement.
 */
final class TowerShard {
  /** Broadcast ids this JVM has opened: the first open fetches the blocks. */
  private static final Set<Long> OPENED = ConcurrentHashMap.newKeySet();

  final int tower;
  final Network[] stages;

  TowerShard(int tower, Network[] stages) {
    this.tower = tower;
    this.stages = stages;
  }

  static TowerShard of(TowerPlan plan, int tower) {
    Network[] stages = new Network[plan.stages()];
    for (int s = 0; s < stages.length; s++) {
      stages[s] = plan.runs(s, tower) ? plan.network(s, tower) : null;
    }
    return new TowerShard(tower, stages);
  }

  /** The shard's value, recording the executor's first fetch of it. */
  static TowerShard open(Broadcast<TowerShard> shard, CollectionAccumulator<String> fetches) {
    TowerShard value = shard.value();
    if (OPENED.add(shard.id())) {
      fetches.add(SparkEnv.get().executorId() + "/" + value.tower);
    }
    return value;
  }
}
