/** Packet time between two housekeeping passes (flow expiry, window close), in seconds. */
export const TICK_SECONDS = 1;

/**
 * Seconds a live packet may reach the pipeline after its timestamp (the
 * kernel's buffer, a thread kept off the CPU) and still count in its window:
 * housekeeping driven by the wall clock runs this far behind it.
 */
export const WALL_LAG_SECONDS = 1;
