/**
 * A CLI command's back end: the same services the app uses, with an event sink that drives the
 * progress bar, and a helper that runs a job to its end (Ctrl-C cancels it).
 */
import { existsSync } from 'node:fs';
import type { EventName, EventPayload } from '../shared/contract.js';
import { createBackend, type WorkbenchBackend } from '../main/services/backend.js';
import type { EventSink } from '../main/services/types.js';
import { CliError } from './output.js';
import { ProgressBar } from './progress.js';

export interface Session {
  backend: WorkbenchBackend;
  progress: ProgressBar;
  /** Wait for a job; resolves with its finished event, throws a CliError when it failed. */
  runJob(jobId: string): Promise<EventPayload<'job.finished'>>;
  close(): Promise<void>;
}

export interface SessionOptions {
  json?: boolean;
  /** Create the project file when it does not exist. */
  create?: boolean;
  /** Open the project read-only: nothing is written (history, info). */
  readonly?: boolean;
}

export async function openSession(projectPath: string | null, opts: SessionOptions = {}): Promise<Session> {
  const progress = new ProgressBar(true);
  const finished = new Map<string, EventPayload<'job.finished'>>();
  const waiters = new Map<string, (p: EventPayload<'job.finished'>) => void>();
  const sink: EventSink = {
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      if (event === 'job.progress') {
        const p = payload as EventPayload<'job.progress'>;
        progress.update(p.fraction, p.message);
      } else if (event === 'job.finished') {
        const p = payload as EventPayload<'job.finished'>;
        finished.set(p.jobId, p);
        waiters.get(p.jobId)?.(p);
      }
    },
  };
  const jobMode = process.env.BGW_JOB_MODE === 'inline' ? 'inline' : 'worker';
  const backend = createBackend({ sink, jobMode, appDataDir: process.env.BGW_APP_DATA });
  if (projectPath) {
    if (opts.create && !existsSync(projectPath))
      await call(() => backend.services['project.create']({ path: projectPath }));
    else await call(() => backend.services['project.open']({ path: projectPath }));
  }
  return {
    backend,
    progress,
    async runJob(jobId) {
      const onSigint = (): void => {
        process.stderr.write('\nCancelling…\n');
        void backend.services['jobs.cancel']({ jobId });
      };
      process.once('SIGINT', onSigint);
      try {
        const p =
          finished.get(jobId) ??
          (await new Promise<EventPayload<'job.finished'>>((resolve) => waiters.set(jobId, resolve)));
        progress.done();
        if (p.status === 'cancelled') throw new CliError(`${p.kind} job cancelled`, 130);
        if (p.status === 'failed') throw new CliError(`${p.kind} job failed: ${p.error ?? 'unknown error'}`);
        return p;
      } finally {
        process.off('SIGINT', onSigint);
      }
    },
    close: () => backend.dispose(),
  };
}

/** Service errors become one-line CLI errors. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message ?? String(e));
  }
}
