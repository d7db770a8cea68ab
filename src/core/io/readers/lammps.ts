// Hand-written: molstar's LAMMPS dump reader loads the whole file, ignores triclinic tilt factors,
// leaves scaled coordinates (xs ys zs) scaled and keeps atoms in file order rather than by id.
import { TrajectoryError, truncatedWarning } from '../errors.js';
import { LineReader } from '../lines.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';

interface Bounds {
  lo: [number, number, number];
  /** Box vectors a, b, c (rows). */
  box: Float64Array;
}

/** LAMMPS "ITEM: BOX BOUNDS" lines to origin and box vectors (https://docs.lammps.org/Howto_triclinic.html). */
export function lammpsBounds(lines: string[], triclinic: boolean): Bounds {
  const v = lines.map((l) => l.trim().split(/\s+/).map(Number));
  const [xlb, xhb, xy] = [v[0][0], v[0][1], triclinic ? v[0][2] : 0];
  const [ylb, yhb, xz] = [v[1][0], v[1][1], triclinic ? v[1][2] : 0];
  const [zlo, zhi, yz] = [v[2][0], v[2][1], triclinic ? v[2][2] : 0];
  // The dump writes the bounding box of the tilted cell; undo the tilt to get the cell itself.
  const xlo = xlb - Math.min(0, xy, xz, xy + xz);
  const xhi = xhb - Math.max(0, xy, xz, xy + xz);
  const ylo = ylb - Math.min(0, yz);
  const yhi = yhb - Math.max(0, yz);
  const all = [xlo, xhi, ylo, yhi, zlo, zhi, xy, xz, yz];
  if (!all.every(Number.isFinite)) throw new RangeError('BOX BOUNDS holds a value that is not a number');
  return {
    lo: [xlo, ylo, zlo],
    box: Float64Array.from([xhi - xlo, 0, 0, xy, yhi - ylo, 0, xz, yz, zhi - zlo]),
  };
}

type Mode = 'plain' | 'scaled';

function coordinateColumns(columns: string[]): { idx: [number, number, number]; mode: Mode } {
  for (const [suffix, mode] of [
    ['', 'plain'],
    ['u', 'plain'],
    ['s', 'scaled'],
    ['su', 'scaled'],
  ] as const) {
    const idx = ['x', 'y', 'z'].map((a) => columns.indexOf(a + suffix));
    if (idx.every((i) => i >= 0)) return { idx: idx as [number, number, number], mode };
  }
  throw new RangeError(
    `ATOMS columns '${columns.join(' ')}' have no x y z, xu yu zu, xs ys zs or xsu ysu zsu`,
  );
}

export async function openLammps(source: ByteSource): Promise<TrajectoryReader> {
  const warnings: string[] = [];
  const fail = (detail: string, frame: number, field: string): never => {
    throw new TrajectoryError(source.name, detail, frame, field);
  };

  async function* frames(): AsyncGenerator<TrajectoryFrame> {
    const lines = new LineReader(source);
    let pending: string | null = await lines.readNonBlank();
    for (let index = 0; pending !== null; index++) {
      let atoms = -1;
      let bounds: Bounds | undefined;
      let columns: string[] | undefined;
      // Header items until ITEM: ATOMS; a cut-off header means a truncated frame.
      while (columns === undefined) {
        const line = pending ?? (await lines.readNonBlank());
        pending = null;
        if (line === null) {
          warnings.push(truncatedWarning(source.name, index, 1, 0, 'ATOMS sections'));
          return;
        }
        if (!line.startsWith('ITEM:'))
          fail(`expected an ITEM: line, got '${line.slice(0, 40)}'`, index, 'ITEM');
        const item = line.slice(5).trim();
        if (item.startsWith('TIMESTEP') || item.startsWith('TIME') || item.startsWith('UNITS')) {
          await lines.readLine();
        } else if (item.startsWith('NUMBER OF ATOMS')) {
          const n = Number((await lines.readLine())?.trim());
          if (!Number.isSafeInteger(n) || n < 0)
            fail('NUMBER OF ATOMS is not a count', index, 'NUMBER OF ATOMS');
          if (n * 6 > source.size)
            fail(
              `declares ${n} atoms, more than a ${source.size}-byte file can hold`,
              index,
              'NUMBER OF ATOMS',
            );
          atoms = n;
        } else if (item.startsWith('BOX BOUNDS')) {
          const triclinic = /\bxy\b/.test(item);
          const b: string[] = [];
          for (let k = 0; k < 3; k++) {
            const l = await lines.readLine();
            if (l === null) {
              warnings.push(truncatedWarning(source.name, index, 3, k, 'BOX BOUNDS lines'));
              return;
            }
            b.push(l);
          }
          try {
            bounds = lammpsBounds(b, triclinic);
          } catch (e) {
            fail((e as Error).message, index, 'BOX BOUNDS');
          }
        } else if (item.startsWith('ATOMS')) {
          columns = item.slice(5).trim().split(/\s+/);
        } else {
          fail(`unknown item '${item.slice(0, 40)}'`, index, 'ITEM');
        }
      }
      if (atoms < 0) fail('ATOMS before NUMBER OF ATOMS', index, 'NUMBER OF ATOMS');
      let cols: ReturnType<typeof coordinateColumns> = { idx: [0, 0, 0], mode: 'plain' };
      try {
        cols = coordinateColumns(columns);
      } catch (e) {
        fail((e as Error).message, index, 'ATOMS');
      }
      if (cols.mode === 'scaled' && !bounds) fail('scaled coordinates need BOX BOUNDS', index, 'BOX BOUNDS');
      const idCol = columns.indexOf('id');
      const ids = new Float64Array(atoms);
      const raw = new Float64Array(atoms * 3);
      const need = Math.max(...cols.idx, idCol) + 1;
      for (let i = 0; i < atoms; i++) {
        const line = await lines.readLine();
        if (line === null || line.startsWith('ITEM:')) {
          warnings.push(truncatedWarning(source.name, index, atoms, i, 'atom lines'));
          return;
        }
        const t = line.trim().split(/\s+/);
        if (t.length < need) {
          // A partial last line is what a cut-off dump looks like.
          if ((await lines.readLine()) === null) {
            warnings.push(truncatedWarning(source.name, index, atoms, i, 'atom lines'));
            return;
          }
          fail(`atom line ${i} has ${t.length} columns, need ${need}`, index, 'ATOMS');
        }
        ids[i] = idCol >= 0 ? Number(t[idCol]) : i;
        for (let k = 0; k < 3; k++) {
          const v = Number(t[cols.idx[k]]);
          if (!Number.isFinite(v))
            fail(`atom line ${i}: '${t[cols.idx[k]]}' is not a finite number`, index, columns[cols.idx[k]]);
          raw[3 * i + k] = v;
        }
      }
      // Dumps list atoms in processor order; sort by id so every frame has the same order.
      const order = Array.from({ length: atoms }, (_, i) => i).sort((a, b) => ids[a] - ids[b]);
      const coords = new Float32Array(atoms * 3);
      for (let j = 0; j < atoms; j++) {
        const i = order[j];
        let [x, y, z] = [raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]];
        if (cols.mode === 'scaled' && bounds) {
          const b = bounds.box;
          [x, y, z] = [
            bounds.lo[0] + x * b[0] + y * b[3] + z * b[6],
            bounds.lo[1] + y * b[4] + z * b[7],
            bounds.lo[2] + z * b[8],
          ];
        }
        coords[3 * j] = x;
        coords[3 * j + 1] = y;
        coords[3 * j + 2] = z;
      }
      yield { index, coords, box: bounds?.box, bytesRead: lines.offset };
      pending = await lines.readNonBlank();
    }
  }

  // The first frame's header gives the atom count.
  const head = new LineReader(source);
  let atoms = -1;
  for (let k = 0; k < 64; k++) {
    const line = await head.readLine();
    if (line === null) break;
    if (k === 0 && !line.startsWith('ITEM:')) break;
    if (line.startsWith('ITEM: NUMBER OF ATOMS')) {
      atoms = Number((await head.readLine())?.trim());
      break;
    }
  }
  if (!Number.isSafeInteger(atoms) || atoms < 0)
    throw new TrajectoryError(
      source.name,
      'no ITEM: NUMBER OF ATOMS in the first frame',
      0,
      'NUMBER OF ATOMS',
    );
  // LAMMPS dumps do not store their length unit: Angstrom (units real/metal) is a guess.
  return {
    format: 'lammps',
    atoms,
    dims: 3,
    unit: 'angstrom',
    unitAssumed: true,
    warnings,
    streaming: true,
    frames,
  };
}
