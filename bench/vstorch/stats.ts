/** Small statistics and memory helpers shared by the engine-vs-PyTorch bench. */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Summary {
  min: number;
  median: number;
  max: number;
  n: number;
}

export function summarize(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  const median = m === 0 ? NaN : m % 2 ? s[(m - 1) / 2]! : (s[m / 2 - 1]! + s[m / 2]!) / 2;
  return { min: s[0] ?? NaN, median, max: s[m - 1] ?? NaN, n: m };
}

/**
 * Ratios ours/theirs over paired repeats (both ran in the same round, so they share the machine's
 * load at that moment): min/median/max of the per-round ratios, plus the ratio of medians.
 */
export function ratioSummary(ours: number[], theirs: number[]): Summary & { ofMedians: number } {
  const pairs = ours.slice(0, theirs.length).map((o, i) => o / theirs[i]!);
  return { ...summarize(pairs), ofMedians: summarize(ours).median / summarize(theirs).median };
}

/** Peak resident memory (VmHWM) of this process in kB. */
export function peakRssKb(): number {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}

/** Linux: reset VmHWM to the current RSS, so the next phase reports its own peak. */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux or not permitted: peaks then cover the whole process lifetime.
  }
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
