/** Thrown when a run's AbortSignal fires; callers match on name === 'CancellationError'. */
export class CancellationError extends Error {
  override name = 'CancellationError';
  constructor(message = 'Run cancelled') {
    super(message);
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancellationError();
}

/** Let pending events (an abort, IPC) through between iterations. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
