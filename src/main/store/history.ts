/** The project history: everything the project holds, newest last, in the contract's shape. */
import type { z } from 'zod';
import type { HistoryEntry } from '../../shared/contract.js';
import type { Store } from './store.js';

type Entry = z.output<typeof HistoryEntry>;

export function projectHistory(store: Store): Entry[] {
  const out: Entry[] = [];
  for (const s of store.systems.list()) {
    out.push({
      kind: 'system',
      id: s.id,
      label: s.name,
      createdAt: s.createdAt,
      detail: { systemId: s.systemId, params: s.params },
    });
  }
  for (const d of store.datasets.list()) {
    out.push({
      kind: 'dataset',
      id: d.id,
      label: `${d.name} (${d.frames} frames)`,
      createdAt: d.createdAt,
      detail: {
        systemId: d.systemId,
        frames: d.frames,
        dim: d.dim,
        source: d.source,
        provenance: d.provenance,
      },
    });
  }
  for (const r of store.runs.list()) {
    out.push({
      kind: 'run',
      id: r.id,
      label: r.name ?? `${r.systemId} run`,
      createdAt: r.createdAt,
      detail: {
        status: r.status,
        systemId: r.systemId,
        iterations: r.iterations,
        totalIterations: r.totalIterations,
        backend: r.backend,
        parentRunId: r.parentRunId,
        error: r.error,
        spec: r.spec,
      },
    });
  }
  for (const s of store.samples.list()) {
    out.push({
      kind: 'samples',
      id: s.id,
      label: `${s.n} samples at τ = ${s.temperature}`,
      createdAt: s.createdAt,
      detail: { runId: s.runId, temperature: s.temperature, n: s.n, ess: s.ess },
    });
  }
  for (const a of store.analyses.list()) {
    out.push({
      kind: 'analysis',
      id: a.id,
      label: `${a.kind} at τ = ${a.temperature ?? '?'}`,
      createdAt: a.createdAt,
      detail: { kind: a.kind, runId: a.runId, sampleSetId: a.sampleSetId, params: a.params },
    });
  }
  for (const e of store.exports.list()) {
    out.push({
      kind: 'export',
      id: e.id,
      label: `${e.what} → ${e.format}`,
      createdAt: e.createdAt,
      detail: { what: e.what, targetId: e.targetId, format: e.format, path: e.path, bytes: e.bytes },
    });
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}
