package dev.sparkconv.jobs;

/** One tower's channel slices of one sample, on its way through a gather (a shuffle keyed by id). */
final class Piece {
  final int tower;
  final float[] values;

  Piece(int tower, float[] values) {
    this.tower = tower;
    this.values = values;
  }
}
