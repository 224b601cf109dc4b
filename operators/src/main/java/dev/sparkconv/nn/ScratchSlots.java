package dev.sparkconv.nn;

/**
 * Who owns which {@link ExecutionContext#scratch} slot, in one place, so that an operator never
 * overwrites a buffer its caller still reads. Slots are per task; any number of layers reuse them
 * one after another.
 */
final class ScratchSlots {
  private ScratchSlots() {}

  /**
   * Network: activation buffer b of the network's buffer plan is slot NETWORK_BUFFERS + b, for b from
   * 0 to the plan's buffer count (2 for a chain, a few for most graphs; the count is unbounded, so
   * the range is open-ended). Operators use slots below NETWORK_BUFFERS only.
   */
  static final int NETWORK_BUFFERS = 64;
  /** Conv2d: the im2col matrix of one sample and group. */
  static final int CONV_COLUMNS = 3;
}
