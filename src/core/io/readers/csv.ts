import { TrajectoryError, truncatedWarning } from '../errors.js';
import { readAll, type ByteSource } from '../source.js';
import type { TrajectoryReader } from '../types.js';
import { splitCsv } from '../writers/csv.js';
import type { NpyArray } from '../writers/npy.js';
import { arrayReader } from './npy.js';

/** Bookkeeping columns that are not coordinates. */
const SKIP = /^(frame|index|step|time|t|id)(\s*\[.*\])?$/i;

/** One frame per row, coordinates x0 y0 (z0) x1 ...; an optional header row names the columns. */
export async function openCsv(source: ByteSource, dimsHint?: number): Promise<TrajectoryReader> {
  const text = new TextDecoder('utf-8').decode(await readAll(source));
  const rows = splitCsv(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) throw new TrajectoryError(source.name, 'is empty', undefined, 'rows');
  const header = rows[0].some((c) => c.trim() !== '' && Number.isNaN(Number(c))) ? rows[0] : undefined;
  let body = header ? rows.slice(1) : rows;
  const columns = (header ?? rows[0]).length;
  const warnings: string[] = [];
  const last = body[body.length - 1];
  if (body.length > 1 && last.length < columns && !text.endsWith('\n')) {
    // A last row cut short (no final newline, too few cells) is a truncated frame.
    warnings.push(truncatedWarning(source.name, body.length - 1, columns, last.length, 'cells'));
    body = body.slice(0, -1);
  }
  const keep = (header ?? rows[0])
    .map((h, i) => (header && SKIP.test(h.trim()) ? -1 : i))
    .filter((i) => i >= 0);
  const width = keep.length;
  if (width === 0 || body.length === 0)
    throw new TrajectoryError(source.name, 'holds no numeric rows', undefined, 'rows');
  const data = new Float64Array(body.length * width);
  body.forEach((row, r) => {
    if (row.length !== (header ?? rows[0]).length)
      throw new TrajectoryError(
        source.name,
        `row has ${row.length} cells, expected ${(header ?? rows[0]).length}`,
        r,
        'row',
      );
    keep.forEach((c, k) => {
      const v = Number(row[c].trim());
      if (row[c].trim() === '' || !Number.isFinite(v))
        throw new TrajectoryError(
          source.name,
          `cell '${row[c].slice(0, 20)}' in column ${c + 1} is not a finite number`,
          r,
          'cell',
        );
      data[r * width + k] = v;
    });
  });
  const array: NpyArray = { data, shape: [body.length, width], dtype: '<f8' };
  const reader = arrayReader(source.name, array, 'npy', dimsHint, warnings);
  return { ...reader, format: 'csv' };
}
