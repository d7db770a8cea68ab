/**
 * Persists what a training (or sampling) job reports: metrics in batches (one transaction per
 * flush, at most every FLUSH_MS), each checkpoint in one transaction after the metrics before it.
 * The job's outcome — sample sets with their ESS, one analysis per temperature, the final status —
 * lands in one transaction when the job completes, so a run killed while sampling leaves no
 * half-finished results behind to be duplicated by its resume.
 */
import type { SampleSet } from '../../core/run/types.js';
import { ess } from '../../core/analysis/ess.js';
import type { MetricsRow, RunResult } from '../../shared/runspec.js';
import type { Store } from '../store/store.js';
import type { JobEvent } from '../workers/protocol.js';
import type { EventSink } from './types.js';

const FLUSH_MS = 250;

export class RunPersister {
  private pending: MetricsRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private samples: SampleSet[] = [];
  readonly sampleSets: { id: string; temperature: number }[] = [];
  result: RunResult | null = null;

  constructor(
    private readonly store: Store,
    private readonly sink: EventSink,
    private readonly runId: string,
    private readonly options: { metrics: boolean; checkpoints: boolean; timeOffset?: number },
  ) {}

  onEvent(e: JobEvent): void {
    switch (e.type) {
      case 'backend':
        this.store.runs.setBackend(this.runId, e.name);
        break;
      case 'metrics':
        if (!this.options.metrics) break;
        // A resumed run's executor clock restarts at 0: continue the run's own clock instead.
        for (const r of e.rows)
          this.pending.push(this.options.timeOffset ? { ...r, time: r.time + this.options.timeOffset } : r);
        this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
        break;
      case 'checkpoint':
        if (!this.options.checkpoints) break;
        this.flush();
        this.store.runs.saveCheckpoint(this.runId, e.checkpoint.iteration, e.checkpoint.bytes);
        break;
      case 'samples':
        this.samples.push(e.samples);
        break;
      case 'result':
        this.result = e.result;
        break;
      default:
        break;
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.store.runs.appendMetrics(this.runId, rows);
    this.sink.emit('run.metrics', { runId: this.runId, rows });
  }

  /** Store the samples, the run's own analyses (with `analyses`) and then `finish`, atomically. */
  commit(opts: { analyses: boolean; finish?: () => void }): void {
    this.flush();
    this.store.db.transaction(() => {
      for (const s of this.samples) {
        const rec = this.store.samples.insert(this.runId, s, ess(s.logWeights));
        this.sampleSets.push({ id: rec.id, temperature: rec.temperature });
      }
      this.samples = [];
      if (opts.analyses) this.saveResultAnalyses();
      opts.finish?.();
    })();
  }

  /** One analysis per sampled temperature, linked to the matching sample set. */
  private saveResultAnalyses(): void {
    if (!this.result) return;
    const result = this.result;
    for (const t of result.temperatures) {
      const set = this.sampleSets.find((s) => s.temperature === t.temperature);
      this.store.analyses.insert({
        kind: 'free-energy',
        runId: this.runId,
        sampleSetId: set?.id ?? null,
        temperature: t.temperature,
        params: {
          bins: result.spec.analysis.bins,
          range: result.spec.analysis.range ?? null,
          bootstrap: result.spec.analysis.bootstrap,
          // "mixture": the result pools every sampled τ, not just the linked sample set.
          reweighting: result.spec.analysis.reweighting,
        },
        result: { profile: t.profile, deltaF: t.deltaF, ess: t.ess, n: t.n },
      });
    }
  }
}
