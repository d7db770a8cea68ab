/**
 * Persists what a training (or sampling) job reports: metrics in batches (one transaction per
 * flush, at most every FLUSH_MS), each checkpoint in one transaction after the metrics before it,
 * sample sets with their ESS, and the final result with one analysis per temperature.
 */
import { ess } from '../../core/analysis/ess.js';
import type { MetricsRow, RunResult } from '../../shared/runspec.js';
import type { Store } from '../store/store.js';
import type { JobEvent } from '../workers/protocol.js';
import type { EventSink } from './types.js';

const FLUSH_MS = 250;

export class RunPersister {
  private pending: MetricsRow[] = [];
  private timer: NodeJS.Timeout | null = null;
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
      case 'samples': {
        const rec = this.store.samples.insert(this.runId, e.samples, ess(e.samples.logWeights));
        this.sampleSets.push({ id: rec.id, temperature: rec.temperature });
        break;
      }
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

  /** The run's own analyses (one per sampled temperature), linked to the matching sample set. */
  saveResultAnalyses(): void {
    if (!this.result) return;
    const result = this.result;
    this.store.db.transaction(() => {
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
          },
          result: { profile: t.profile, deltaF: t.deltaF, ess: t.ess, n: t.n },
        });
      }
    })();
  }
}
