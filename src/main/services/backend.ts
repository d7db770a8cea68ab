/**
 * The back end: every contract method over one open project, its jobs and the event sink. The
 * transports (Electron IPC, `bgw serve`) and the CLI all call this table.
 */
import type { ExecuteRun } from '../../core/run/types.js';
import type { JobMode } from '../jobs/runner.js';
import { analysisServices } from './analysis.js';
import type { ServiceContext } from './context.js';
import { datasetServices } from './datasets.js';
import { exportServices } from './exports.js';
import { JobRegistry } from './jobs.js';
import { latentMapServices } from './latentMap.js';
import { projectServices } from './project.js';
import { RecentProjects } from './recent.js';
import { runServices } from './runs.js';
import { sampleServices } from './samples.js';
import { systemServices } from './systems.js';
import { umbrellaServices } from './umbrella.js';
import type { Backend, EventSink, ServiceTable } from './types.js';

export interface BackendOptions {
  sink: EventSink;
  /** Where the recent-projects list lives; without it the list is empty. */
  appDataDir?: string;
  /** 'worker' (default): jobs in worker threads. 'inline': in this thread (tests, fakes). */
  jobMode?: JobMode;
  /** Inline only: a replacement run executor (tests). */
  executeRun?: ExecuteRun;
}

export interface WorkbenchBackend extends Backend {
  /** Resolves when the job has finished and its results are saved. */
  waitForJob(jobId: string): Promise<void>;
  /** The services' shared state (CLI and tests read the store directly). */
  readonly context: ServiceContext;
}

export function createBackend(options: BackendOptions): WorkbenchBackend {
  const mode = options.jobMode ?? 'worker';
  if (options.executeRun && mode !== 'inline')
    throw new Error('executeRun can only be replaced with jobMode "inline"');
  const ctx: ServiceContext = {
    store: null,
    sink: options.sink,
    jobs: new JobRegistry(
      options.sink,
      mode,
      options.executeRun ? { executeRun: options.executeRun } : undefined,
    ),
    recent: new RecentProjects(options.appDataDir),
  };
  const services: ServiceTable = {
    ...projectServices(ctx),
    ...systemServices(),
    ...datasetServices(ctx),
    ...runServices(ctx),
    ...sampleServices(ctx),
    ...analysisServices(ctx),
    ...umbrellaServices(ctx),
    ...exportServices(ctx),
    ...latentMapServices(ctx),
  };
  return {
    services,
    context: ctx,
    waitForJob: (jobId) => ctx.jobs.wait(jobId),
    async dispose() {
      await ctx.jobs.cancelAll();
      ctx.store?.close();
      ctx.store = null;
    },
  };
}
