// Hand-written: molstar's XYZ reader loads the whole file and ignores extended-XYZ fields
// (Lattice, Properties=...:pos:R:3), so it can neither stream nor find pos after extra columns.
import { TrajectoryError, truncatedWarning } from '../errors.js';
import { LineReader } from '../lines.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';

/** Smallest plausible atom line ("H 0 0 0\n"), used to reject impossible declared atom counts. */
const MIN_ATOM_LINE = 8;

interface Comment {
  box?: Float64Array;
  posColumn: number;
}

/** Reads key=value pairs of an extended-XYZ comment line (values may be "quoted"). */
export function parseExtxyzComment(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)\s*=\s*("([^"]*)"|\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out[m[1]] = m[3] ?? m[2];
  return out;
}

function readComment(line: string, fileName: string, frame: number): Comment {
  const kv = parseExtxyzComment(line);
  let posColumn = 1;
  if (kv.Properties) {
    // Properties=name:type:count:... ; pos is found by counting the columns before it.
    const parts = kv.Properties.split(':');
    let column = 0;
    let found = -1;
    for (let i = 0; i + 2 < parts.length; i += 3) {
      if (parts[i] === 'pos') found = column;
      column += Number(parts[i + 2]) || 0;
    }
    if (found < 0)
      throw new TrajectoryError(fileName, 'extended XYZ Properties has no pos field', frame, 'Properties');
    posColumn = found;
  }
  let box: Float64Array | undefined;
  if (kv.Lattice) {
    const v = kv.Lattice.trim().split(/\s+/).map(Number);
    if (v.length === 9 && v.every(Number.isFinite)) box = Float64Array.from(v);
  }
  return { box, posColumn };
}

function parseCount(line: string): number | null {
  const t = line.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

export async function openXyz(source: ByteSource): Promise<TrajectoryReader> {
  const head = new LineReader(source);
  const first = await head.readNonBlank();
  const atoms0 = first === null ? null : parseCount(first);
  if (atoms0 === null)
    throw new TrajectoryError(
      source.name,
      `first line must be the atom count, got '${(first ?? '').slice(0, 40)}'`,
      0,
      'count',
    );
  const warnings: string[] = [];
  const names: string[] = [];

  const reader: TrajectoryReader = {
    format: 'xyz',
    atoms: atoms0,
    dims: 3,
    unit: 'angstrom',
    warnings,
    streaming: true,
    atomNames: names,
    async *frames(): AsyncGenerator<TrajectoryFrame> {
      const lines = new LineReader(source);
      for (let index = 0; ; index++) {
        const countLine = await lines.readNonBlank();
        if (countLine === null) return;
        const atoms = parseCount(countLine);
        if (atoms === null)
          throw new TrajectoryError(
            source.name,
            `expected an atom count, got '${countLine.slice(0, 40)}'`,
            index,
            'count',
          );
        if (atoms * MIN_ATOM_LINE > source.size)
          throw new TrajectoryError(
            source.name,
            `declares ${atoms} atoms, more than a ${source.size}-byte file can hold`,
            index,
            'count',
          );
        const commentLine = await lines.readLine();
        if (commentLine === null) {
          warnings.push(truncatedWarning(source.name, index, atoms + 1, 0, 'lines'));
          return;
        }
        const comment = readComment(commentLine, source.name, index);
        const coords = new Float32Array(atoms * 3);
        const c = comment.posColumn;
        for (let i = 0; i < atoms; i++) {
          const line = await lines.readLine();
          if (line === null || line.trim() === '') {
            warnings.push(truncatedWarning(source.name, index, atoms, i, 'atom lines'));
            return;
          }
          const tokens = line.trim().split(/\s+/);
          if (tokens.length < c + 3)
            throw new TrajectoryError(
              source.name,
              `atom ${i} has ${tokens.length} columns, need ${c + 3}`,
              index,
              'pos',
            );
          for (let k = 0; k < 3; k++) {
            const v = Number(tokens[c + k]);
            if (!Number.isFinite(v))
              throw new TrajectoryError(
                source.name,
                `atom ${i} coordinate '${tokens[c + k]}' is not a finite number`,
                index,
                'pos',
              );
            coords[3 * i + k] = v;
          }
          if (index === 0) names.push(tokens[0]);
        }
        yield { index, coords, box: comment.box, bytesRead: lines.offset };
      }
    },
  };
  return reader;
}
