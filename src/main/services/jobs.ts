/**
 * Running jobs of this back end: ids, the kind, cancellation, throttled 'job.progress' events and
 * the final 'job.finished' event. What a job produces is persisted by the caller's `onEvent`.
 */
import type { EventSink } from './types.js';
import { newId } from '../store/ids.js';
import type { JobMode, JobOutcome } from '../jobs/runner.js';
import { startJob } from '../jobs/runner.js';
import type { JobDeps } from '../workers/jobs.js';
import type { JobEvent, UserJobRequest } from '../workers/protocol.js';

/** At most this many progress events per second per job. */
const PROGRESS_INTERVAL_MS = 100;

export interface JobHooks {
  onEvent(e: JobEvent): void;
  /** After the job ends; returns the id of what it produced (or null) and any warnings. */
  onDone(outcome: JobOutcome): {
    resultId: string | null;
    warnings?: string[];
    error?: string | null;
    status?: JobOutcome['status'];
  };
}

interface Running {
  id: string;
  kind: UserJobRequest['kind'];
  runId: string | null;
  cancel(): void;
  done: Promise<void>;
}

export class JobRegistry {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly sink: EventSink,
    private readonly mode: JobMode,
    private readonly deps?: JobDeps,
  ) {}

  start(req: UserJobRequest, hooks: JobHooks, runId: string | null = null): string {
    const id = newId('job');
    const kind = req.kind;
    let last = 0;
    let persistError: string | null = null;
    const onEvent = (e: JobEvent): void => {
      if (e.type === 'progress') {
        const t = Date.now();
        if (t - last < PROGRESS_INTERVAL_MS && e.fraction < 1) return;
        last = t;
        this.sink.emit('job.progress', { jobId: id, kind, fraction: e.fraction, message: e.message });
        return;
      }
      try {
        hooks.onEvent(e);
      } catch (err) {
        // A persistence failure must end the job, not leave it training into the void.
        handle.cancel();
        persistError ??= (err as Error).message;
      }
    };
    const handle = startJob(req, onEvent, { mode: this.mode, deps: this.deps });
    const done = handle.done.then((outcome) => {
      const o: JobOutcome = persistError
        ? { status: 'failed', error: `could not save job output: ${persistError}` }
        : outcome;
      let r: ReturnType<JobHooks['onDone']>;
      try {
        r = hooks.onDone(o);
      } catch (err) {
        r = { resultId: null, status: 'failed', error: (err as Error).message };
      }
      this.running.delete(id);
      this.sink.emit('job.finished', {
        jobId: id,
        kind,
        status: r.status ?? o.status,
        resultId: r.resultId,
        error: r.error !== undefined ? r.error : o.error,
        warnings: r.warnings ?? [],
      });
    });
    this.running.set(id, { id, kind, runId, cancel: () => handle.cancel(), done });
    return id;
  }

  cancel(jobId: string): boolean {
    const j = this.running.get(jobId);
    if (!j) return false;
    j.cancel();
    return true;
  }

  jobOfRun(runId: string): string | undefined {
    for (const j of this.running.values()) if (j.runId === runId) return j.id;
    return undefined;
  }

  /** Resolves when the job has ended and its results are persisted. */
  async wait(jobId: string): Promise<void> {
    await this.running.get(jobId)?.done;
  }

  get size(): number {
    return this.running.size;
  }

  async cancelAll(): Promise<void> {
    const all = [...this.running.values()];
    for (const j of all) j.cancel();
    await Promise.all(all.map((j) => j.done));
  }
}
