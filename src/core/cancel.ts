/**
 * Cancellation for all long work in core (runs, MC, umbrella sampling, imports): an AbortSignal is
 * checked between steps and a CancellationError thrown. Cancellation is not a failure: callers and
 * transports match on name === 'CancellationError'.
 */
export class CancellationError extends Error {
  override readonly name = 'CancellationError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw new CancellationError(message);
}

/** Let pending events (an abort, IPC) through between iterations. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
