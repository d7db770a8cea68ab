/**
 * The workbench state. Everything here is re-read from the back end on load (project, recent
 * list, history, runs, datasets), so a reload loses nothing but what is being typed; the current
 * view lives in the URL hash. Derived state is derived.
 */
import type { MethodInput, MethodName, MethodOutput, WorkbenchClient } from '../../../shared/contract.js';
import type { MetricsRow, RunSpecInput } from '../../../shared/runspec.js';
import { connectClient, type ClientMode } from './client.js';
import { formatError } from './format.js';
import { mergeRows } from './plotData.js';
import { annealRequest } from './presets.js';
import type {
  AppInfo,
  DatasetSummary,
  FreeEnergyResult,
  HistoryEntry,
  JobFinished,
  ProjectInfo,
  RecentProject,
  RunSummary,
  SampleSetData,
  SampleSetSummary,
  SystemInfo,
  UmbrellaAnalysis,
  UmbrellaRequest,
} from './types.js';

export const VIEWS = [
  { id: 'project', label: 'Project' },
  { id: 'system', label: 'System' },
  { id: 'data', label: 'Data' },
  { id: 'train', label: 'Train' },
  { id: 'sample', label: 'Sample' },
  { id: 'export', label: 'Export' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

export interface JobState {
  jobId: string;
  kind: string;
  fraction: number;
  message: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  resultId: string | null;
  error: string | null;
  warnings: string[];
}

export interface ImportOptionsInput {
  units: 'angstrom' | 'nm' | 'reduced';
  plane: 'xy' | 'xz' | 'yz';
  /** Atom selection mapping file atoms onto the system's particles, e.g. "0-37". */
  atoms: string;
  scale?: number | null;
  stride: number;
  relabel: boolean;
  allowNonConstantAxis: boolean;
}

export interface Banner {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

/** How many sample configurations the viewer fetches (1000 dimers = 38 000 spheres). */
export const VIEW_LIMIT = 1000;

function viewFromHash(): ViewId {
  const h = typeof location !== 'undefined' ? location.hash.replace(/^#\/?/, '') : '';
  return (VIEWS.find((v) => v.id === h)?.id ?? 'project') as ViewId;
}

export class Workbench {
  client: WorkbenchClient | null = $state.raw(null);
  mode: ClientMode | null = $state(null);
  connecting = $state(true);
  connectError: string | null = $state(null);
  info: AppInfo | null = $state.raw(null);

  view: ViewId = $state(viewFromHash());
  banners: Banner[] = $state([]);

  project: ProjectInfo | null = $state.raw(null);
  recent: RecentProject[] = $state.raw([]);
  history: HistoryEntry[] = $state.raw([]);

  systems: SystemInfo[] = $state.raw([]);
  systemId = $state('double-well');
  /** Parameter edits per system id (only the edited values). */
  params: Record<string, Record<string, number>> = $state({});
  systemPreset: Record<string, string | undefined> = $state({});

  datasets: DatasetSummary[] = $state.raw([]);
  /** Import options shared by drag and drop and the desktop menu's Import (ui.command). */
  importOptions: ImportOptionsInput = $state({
    units: 'angstrom',
    plane: 'xy',
    atoms: '',
    stride: 1,
    relabel: false,
    allowNonConstantAxis: false,
  });
  datasetId: string | null = $state(null);

  runs: RunSummary[] = $state.raw([]);
  runId: string | null = $state(null);
  metrics: Record<string, MetricsRow[]> = $state.raw({});
  /** The spec being edited in the Train view (survives switching views). */
  draftSpec: RunSpecInput | null = $state.raw(null);

  jobs: Record<string, JobState> = $state({});

  sampleSets: SampleSetSummary[] = $state.raw([]);
  sampleSet: SampleSetData | null = $state.raw(null);
  freeEnergy: FreeEnergyResult | null = $state.raw(null);
  /** Umbrella sampling + WHAM reference for the shown sample set (same system and τ). */
  umbrella: UmbrellaAnalysis | null = $state.raw(null);

  system = $derived(this.systems.find((s) => s.id === this.systemId) ?? null);
  systemParams = $derived(this.params[this.systemId] ?? {});
  run = $derived(this.runs.find((r) => r.id === this.runId) ?? null);
  runMetrics = $derived(this.runId ? (this.metrics[this.runId] ?? []) : []);
  activeJobs = $derived(Object.values(this.jobs).filter((j) => j.status === 'running'));

  // Bookkeeping for waitJob, not UI state: plain Maps on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #finished = new Map<string, JobFinished>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #waiters = new Map<string, ((f: JobFinished) => void)[]>();
  #bannerId = 0;

  async connect(): Promise<void> {
    this.connecting = true;
    try {
      const { client, mode } = await connectClient();
      this.client = client;
      this.mode = mode;
      this.#subscribe(client);
      this.connectError = null;
      await this.reload();
    } catch (e) {
      this.connectError = formatError(e);
    } finally {
      this.connecting = false;
    }
  }

  /** Re-read everything the back end knows; what a page reload does. */
  async reload(): Promise<void> {
    const [info, project, recent, systems] = await Promise.all([
      this.call('app.info', {}),
      this.call('project.current', {}),
      this.call('project.recent', {}),
      this.call('systems.list', {}),
    ]);
    this.info = info ?? null;
    this.project = project ?? null;
    this.recent = recent ?? [];
    this.systems = systems ?? [];
    if (this.systems.length && !this.systems.some((s) => s.id === this.systemId))
      this.systemId = this.systems[0].id;
    if (this.project) await this.refreshProject();
  }

  async refreshProject(): Promise<void> {
    if (!this.project) return;
    const [history, datasets, runs] = await Promise.all([
      this.call('project.history', {}),
      this.call('datasets.list', {}),
      this.call('runs.list', {}),
    ]);
    this.history = history ?? [];
    this.datasets = datasets ?? [];
    this.runs = runs ?? [];
    if (!this.runId || !this.runs.some((r) => r.id === this.runId)) {
      this.runId = this.runs.length ? this.newest(this.runs).id : null;
    }
    if (this.runId) await this.loadMetrics(this.runId);
    if (this.runId) await this.loadSampleSets(this.runId);
  }

  private newest<T extends { createdAt: string }>(xs: T[]): T {
    return xs.reduce((a, b) => (Date.parse(b.createdAt) >= Date.parse(a.createdAt) ? b : a));
  }

  setView(view: ViewId): void {
    this.view = view;
    if (typeof history !== 'undefined') window.history.replaceState(null, '', `#/${view}`);
  }

  notify(text: string, kind: Banner['kind'] = 'error'): void {
    const id = ++this.#bannerId;
    this.banners = [...this.banners, { id, text, kind }];
    if (kind === 'info') setTimeout(() => this.dismiss(id), 6000);
  }

  dismiss(id: number): void {
    this.banners = this.banners.filter((b) => b.id !== id);
  }

  /** A contract call whose failure becomes a readable banner (and `undefined`). */
  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M> | undefined> {
    if (!this.client) {
      this.notify('Not connected to the back end');
      return undefined;
    }
    try {
      return await this.client.call(method, input);
    } catch (e) {
      this.notify(`${method}: ${formatError(e)}`);
      return undefined;
    }
  }

  // ---- projects -------------------------------------------------------------------------------

  async createProject(path: string, name?: string): Promise<boolean> {
    const p = await this.call('project.create', { path, ...(name ? { name } : {}) });
    return this.afterOpen(p);
  }

  async openProject(path: string): Promise<boolean> {
    return this.afterOpen(await this.call('project.open', { path }));
  }

  private async afterOpen(p: ProjectInfo | undefined): Promise<boolean> {
    if (!p) return false;
    this.project = p;
    this.runId = null;
    this.sampleSet = null;
    this.freeEnergy = null;
    this.metrics = {};
    this.recent = (await this.call('project.recent', {})) ?? this.recent;
    await this.refreshProject();
    return true;
  }

  // ---- jobs -----------------------------------------------------------------------------------

  private trackJob(jobId: string, kind: string, message = 'started'): void {
    if (this.jobs[jobId]) return;
    this.jobs[jobId] = {
      jobId,
      kind,
      fraction: 0,
      message,
      status: 'running',
      resultId: null,
      error: null,
      warnings: [],
    };
    const done = this.#finished.get(jobId);
    if (done) this.applyFinished(done);
  }

  /** Resolves when the job finishes (also if it finished before we asked). */
  waitJob(jobId: string): Promise<JobFinished> {
    const done = this.#finished.get(jobId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const list = this.#waiters.get(jobId) ?? [];
      list.push(resolve);
      this.#waiters.set(jobId, list);
    });
  }

  async cancelJob(jobId: string): Promise<void> {
    const job = this.jobs[jobId];
    if (job?.kind === 'training') {
      const runId = Object.entries(this.#runJobs).find(([, j]) => j === jobId)?.[0];
      if (runId) {
        await this.call('runs.cancel', { runId });
        return;
      }
    }
    await this.call('jobs.cancel', { jobId });
  }

  /** Esc: cancel the most recent running job. */
  async cancelLatest(): Promise<boolean> {
    const active = this.activeJobs;
    if (!active.length) return false;
    await this.cancelJob(active[active.length - 1].jobId);
    return true;
  }

  #runJobs: Record<string, string> = {};

  private applyFinished(f: JobFinished): void {
    const job = this.jobs[f.jobId];
    if (job) {
      job.status = f.status;
      job.fraction = f.status === 'completed' ? 1 : job.fraction;
      job.resultId = f.resultId;
      job.error = f.error;
      job.warnings = f.warnings ?? [];
      job.message = f.status === 'completed' ? 'done' : f.status;
    }
    // Show what a data job produced.
    if (f.status === 'completed' && f.resultId && (f.kind === 'import' || f.kind === 'simulate'))
      this.datasetId = f.resultId;
  }

  #subscribe(client: WorkbenchClient): void {
    client.on('job.progress', (p) => {
      const job = this.jobs[p.jobId];
      if (job && job.status === 'running') {
        job.fraction = p.fraction;
        job.message = p.message;
      } else if (!job) {
        this.jobs[p.jobId] = { ...p, status: 'running', resultId: null, error: null, warnings: [] };
      }
    });
    client.on('job.finished', (f) => {
      this.#finished.set(f.jobId, f);
      this.applyFinished(f);
      if (f.status === 'failed') this.notify(`${f.kind} failed: ${f.error ?? 'unknown error'}`);
      for (const w of f.warnings ?? []) this.notify(`${f.kind}: ${w}`, 'info');
      for (const resolve of this.#waiters.get(f.jobId) ?? []) resolve(f);
      this.#waiters.delete(f.jobId);
      void this.refreshProject();
    });
    client.on('ui.command', (c) => {
      if (c.command === 'project.opened') void this.reload();
      else if (c.command === 'export') this.setView('export');
      else if (c.command === 'import') {
        this.setView('data');
        void this.importPaths(c.paths ?? []);
      }
    });
    client.on('run.metrics', (m) => {
      this.metrics = { ...this.metrics, [m.runId]: mergeRows(this.metrics[m.runId] ?? [], m.rows) };
      const last = m.rows[m.rows.length - 1];
      if (last) {
        this.runs = this.runs.map((r) =>
          r.id === m.runId
            ? { ...r, iterations: Math.max(r.iterations, last.iteration + 1), status: 'running' }
            : r,
        );
      }
    });
  }

  /** The contract's import options from the form: unset fields left out. */
  contractImportOptions(): MethodInput<'datasets.import'>['options'] {
    const o = this.importOptions;
    return {
      systemId: this.systemId,
      units: o.units,
      plane: o.plane,
      ...(o.atoms.trim() ? { atoms: o.atoms.trim() } : {}),
      ...(o.scale && o.scale > 0 ? { scale: o.scale } : {}),
      ...(o.stride > 1 ? { stride: o.stride } : {}),
      ...(o.relabel ? { relabel: true } : {}),
      ...(o.allowNonConstantAxis ? { allowNonConstantAxis: true } : {}),
    };
  }

  /** Desktop: import files by path (menu Import or a drop on the window). */
  async importPaths(paths: string[]): Promise<void> {
    for (const path of paths) {
      const ref = await this.call('datasets.import', { path, options: this.contractImportOptions() });
      if (ref) this.trackJob(ref.jobId, 'import', `importing ${path}`);
    }
  }

  // ---- data -----------------------------------------------------------------------------------

  async simulate(input: MethodInput<'datasets.simulate'>): Promise<string | null> {
    const ref = await this.call('datasets.simulate', input);
    if (!ref) return null;
    this.trackJob(ref.jobId, 'simulate');
    return ref.jobId;
  }

  async importBytes(input: MethodInput<'datasets.importBytes'>): Promise<string | null> {
    const ref = await this.call('datasets.importBytes', input);
    if (!ref) return null;
    this.trackJob(ref.jobId, 'import', `importing ${input.fileName}`);
    return ref.jobId;
  }

  // ---- training -------------------------------------------------------------------------------

  async startRun(spec: RunSpecInput): Promise<string | null> {
    const r = await this.call('runs.start', { spec: spec as MethodInput<'runs.start'>['spec'] });
    if (!r) return null;
    this.#runJobs[r.runId] = r.jobId;
    this.trackJob(r.jobId, 'training');
    this.runId = r.runId;
    this.metrics = { ...this.metrics, [r.runId]: [] };
    await this.refreshProject();
    return r.runId;
  }

  async resumeRun(runId: string): Promise<void> {
    const r = await this.call('runs.resume', { runId });
    if (!r) return;
    this.#runJobs[r.runId] = r.jobId;
    this.trackJob(r.jobId, 'training', 'resumed');
    await this.refreshProject();
  }

  async cancelRun(runId: string): Promise<void> {
    await this.call('runs.cancel', { runId });
  }

  trainingJobOf(runId: string): JobState | null {
    const jobId = this.#runJobs[runId];
    return jobId ? (this.jobs[jobId] ?? null) : null;
  }

  async selectRun(runId: string): Promise<void> {
    this.runId = runId;
    await Promise.all([this.loadMetrics(runId), this.loadSampleSets(runId)]);
  }

  async loadMetrics(runId: string): Promise<void> {
    const rows = await this.call('runs.metrics', { runId, afterIteration: -1 });
    if (rows) this.metrics = { ...this.metrics, [runId]: mergeRows(this.metrics[runId] ?? [], rows) };
  }

  // ---- sampling and analysis ------------------------------------------------------------------

  async loadSampleSets(runId: string): Promise<void> {
    this.sampleSets = (await this.call('samples.list', { runId })) ?? [];
  }

  /** Draw n samples at τ; `annealLevels` > 0 anneals them (0: one-jump weights). */
  async sample(runId: string, temperature: number, n: number, annealLevels = 0): Promise<string | null> {
    const own = annealLevels > 0 ? (await this.call('runs.get', { runId }))?.spec.sampling.anneal : undefined;
    const anneal = annealRequest(annealLevels, own);
    const ref = await this.call('samples.create', { runId, temperature, n, anneal });
    if (!ref) return null;
    const how = annealLevels > 0 ? `, annealed through ${annealLevels} levels` : '';
    this.trackJob(ref.jobId, 'sampling', `sampling ${n} at τ = ${temperature}${how}`);
    const done = await this.waitJob(ref.jobId);
    if (done.status !== 'completed' || !done.resultId) return null;
    await this.showSampleSet(done.resultId);
    await this.loadSampleSets(runId);
    return done.resultId;
  }

  /** Run umbrella sampling + WHAM as a job and show its profile beside the generator's. */
  async runUmbrella(req: UmbrellaRequest): Promise<UmbrellaAnalysis | null> {
    const ref = await this.call('analysis.umbrella', req);
    if (!ref) return null;
    this.trackJob(ref.jobId, 'umbrella', `umbrella sampling at τ = ${req.temperature}`);
    const done = await this.waitJob(ref.jobId);
    if (done.status !== 'completed' || !done.resultId) return null;
    const u = await this.call('analysis.umbrellaGet', { analysisId: done.resultId });
    this.umbrella = u ?? null;
    return this.umbrella;
  }

  /** Recompute the free-energy profile of a sample set (other bins). */
  async analyse(sampleSetId: string, bins = 60): Promise<void> {
    const fe = await this.call('analysis.freeEnergy', { sampleSetId, bins, bootstrap: 100 });
    if (fe) this.freeEnergy = fe;
  }

  async showSampleSet(sampleSetId: string, bins = 60): Promise<void> {
    const [set, fe] = await Promise.all([
      this.call('samples.get', { sampleSetId, limit: VIEW_LIMIT }),
      this.call('analysis.freeEnergy', { sampleSetId, bins, bootstrap: 100 }),
    ]);
    this.sampleSet = set ?? null;
    const systemId = this.runs.find((r) => r.id === set?.runId)?.systemId;
    if (
      this.umbrella &&
      (this.umbrella.temperature !== set?.temperature || this.umbrella.systemId !== systemId)
    ) {
      this.umbrella = null;
    }
    this.freeEnergy = fe ?? null;
    void this.refreshProject();
  }
}

export const wb = new Workbench();
