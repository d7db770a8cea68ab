/** Pure formatting helpers for the workbench UI (no DOM, unit-tested). */

/** Seconds as "1 h 02 min", "3 min 05 s", "12.3 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(r).padStart(2, '0')} s`;
}

/** Wall time between two ISO timestamps; `end` null means still running (measured to `now`). */
export function elapsedSeconds(
  start: string | null,
  end: string | null,
  now: number = Date.now(),
): number | null {
  if (!start) return null;
  const t0 = Date.parse(start);
  const t1 = end ? Date.parse(end) : now;
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) return null;
  return Math.max(0, (t1 - t0) / 1000);
}

export { formatNumber } from '../../../shared/plotScale.js';

/** "12 kB", "1.4 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Local date-time without seconds, stable across locales for the tests. */
export function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (v: number) => String(v).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export interface ReadableError {
  code: string | null;
  message: string;
}

/**
 * Contract errors cross transports as data ({code, message}); transports may also wrap them in an
 * Error carrying `code`. Turn anything thrown into something a person can read.
 */
export function readableError(e: unknown): ReadableError {
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown; error?: unknown };
    if (o.error && typeof o.error === 'object') return readableError(o.error);
    const code = typeof o.code === 'string' ? o.code : null;
    const message = typeof o.message === 'string' && o.message ? o.message : code ? code : String(e);
    return { code, message };
  }
  if (typeof e === 'string') return { code: null, message: e };
  return { code: null, message: 'Unknown error' };
}

/** One line for a banner: "not_found: no run r1". Cancellation reads as such, not as failure. */
export function formatError(e: unknown): string {
  const { code, message } = readableError(e);
  if (code === 'cancelled') return `Cancelled: ${message}`;
  return code && code !== message ? `${code}: ${message}` : message;
}
