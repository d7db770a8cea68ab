/** The project history as a timeline: newest first, runs joined with their live summaries. */
import type { HistoryEntry, RunSummary } from './types.js';

export interface TimelineEntry extends HistoryEntry {
  run: RunSummary | null;
  /** A short line from the entry's detail (frames, path, format…). */
  summary: string;
}

const SUMMARY_KEYS = ['frames', 'dim', 'n', 'temperature', 'format', 'path', 'source', 'systemId'];

export function summarizeDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const k of SUMMARY_KEYS) {
    const v = detail[k];
    if (v == null || typeof v === 'object') continue;
    parts.push(`${k} ${String(v)}`);
  }
  return parts.join(' · ');
}

export function timeline(history: readonly HistoryEntry[], runs: readonly RunSummary[]): TimelineEntry[] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const out: TimelineEntry[] = history.map((h) => {
    if (h.kind === 'run') seen.add(h.id);
    return {
      ...h,
      run: h.kind === 'run' ? (byId.get(h.id) ?? null) : null,
      summary: summarizeDetail(h.detail),
    };
  });
  // A run started a moment ago may not be in the history yet; show it anyway.
  for (const r of runs) {
    if (seen.has(r.id)) continue;
    out.push({
      kind: 'run',
      id: r.id,
      label: r.name ?? r.id,
      createdAt: r.createdAt,
      detail: {},
      run: r,
      summary: '',
    });
  }
  return out.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
