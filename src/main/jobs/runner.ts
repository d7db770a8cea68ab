/**
 * Starts a job in a worker thread (or inline) and delivers its events, in order, to the caller on
 * the main side. Cancellation asks the job to stop; a worker that does not stop within the grace
 * period is terminated.
 */
import { Worker } from 'node:worker_threads';
import type { JobDeps } from '../workers/jobs.js';
import type { JobEvent, JobRequest } from '../workers/protocol.js';
import { buffersOf } from '../workers/transfer.js';
import { workerEntry } from './workerEntry.js';

export type JobMode = 'worker' | 'inline';

export interface JobOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  error: string | null;
}

export interface JobHandle {
  cancel(): void;
  readonly done: Promise<JobOutcome>;
}

export interface StartOptions {
  mode: JobMode;
  /** Inline only: replace core's executor (tests). */
  deps?: JobDeps;
  /** Milliseconds a worker gets to stop after a cancel before it is terminated. */
  graceMs?: number;
  /** Where the worker's stdout goes (tfjs may print): stderr by default, keeping stdout clean. */
  stdout?: NodeJS.WritableStream;
}

function requestBuffers(req: JobRequest): ArrayBuffer[] {
  switch (req.kind) {
    case 'training':
      return buffersOf(req.data, req.initWeights, req.resume?.bytes);
    case 'sampling':
      return buffersOf(req.data, req.checkpoint.bytes);
    case 'import':
      return buffersOf(req.bytes);
    case 'anneal':
      return buffersOf(
        req.task.z,
        req.task.x,
        req.task.energy,
        req.task.startLogWeights,
        req.task.logWeights,
        req.task.state ?? undefined,
      );
    default:
      return [];
  }
}

/** Track the terminal event: an 'error' event decides the outcome, else completion. */
function outcomeTracker(onEvent: (e: JobEvent) => void): {
  handle(e: JobEvent): void;
  outcome(cancelRequested: boolean): JobOutcome;
} {
  let error: { message: string; cancelled: boolean } | null = null;
  return {
    handle(e) {
      if (e.type === 'error') error = { message: e.message, cancelled: e.cancelled };
      onEvent(e);
    },
    outcome(cancelRequested) {
      if (error)
        return error.cancelled || cancelRequested
          ? { status: 'cancelled', error: null }
          : { status: 'failed', error: error.message };
      return { status: 'completed', error: null };
    },
  };
}

export function startJob(req: JobRequest, onEvent: (e: JobEvent) => void, opts: StartOptions): JobHandle {
  const tracker = outcomeTracker(onEvent);
  const abort = new AbortController();
  if (opts.mode === 'inline') {
    const done = (async () => {
      const { runJob } = await import('../workers/jobs.js');
      // Yield first so the caller can register the job before its first event.
      await new Promise((r) => setImmediate(r));
      await runJob(req, (e) => tracker.handle(e), abort.signal, opts.deps);
      return tracker.outcome(abort.signal.aborted);
    })();
    return { cancel: () => abort.abort(), done };
  }

  // The request's arrays are moved, not copied: callers pass fresh arrays read from the store.
  const worker = new Worker(workerEntry(), {
    workerData: req,
    transferList: requestBuffers(req),
    stdout: true,
  });
  worker.stdout.pipe(opts.stdout ?? process.stderr);
  let cancelRequested = false;
  let killTimer: NodeJS.Timeout | undefined;
  const done = new Promise<JobOutcome>((resolve) => {
    let crash: Error | null = null;
    worker.on('message', (e: JobEvent) => tracker.handle(e));
    worker.on('error', (e) => {
      crash = e;
    });
    worker.on('exit', (code) => {
      clearTimeout(killTimer);
      const o = tracker.outcome(cancelRequested);
      if (o.status === 'completed' && (crash || code !== 0)) {
        resolve(
          cancelRequested
            ? { status: 'cancelled', error: null }
            : { status: 'failed', error: crash ? crash.message : `job worker exited with code ${code}` },
        );
      } else resolve(o);
    });
  });
  return {
    cancel() {
      if (cancelRequested) return;
      cancelRequested = true;
      worker.postMessage({ type: 'cancel' });
      killTimer = setTimeout(() => void worker.terminate(), opts.graceMs ?? 5000);
    },
    done,
  };
}
