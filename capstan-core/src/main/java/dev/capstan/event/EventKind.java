package dev.capstan.event;

/**
 * How long events of a type are kept. Only {@link #OUTPUT} is ever deleted by retention; state,
 * approval and health events are history and stay.
 */
public enum EventKind {
  /** State changes: kept. */
  STATE,
  /** High-rate output (agent lines, LLM deltas), coalesced into chunks: subject to retention. */
  OUTPUT,
  /** Permission requests and resolutions: kept. */
  APPROVAL,
  /** Daemon, LLM and worker health: kept. */
  HEALTH
}
