// Hand-written: molstar's PDB "parser" only splits lines (structure building lives in its model
// layer), so the fixed columns, MODEL/ENDMDL frames and CRYST1 are read here, streaming.
import { boxFromLengthsAngles } from '../box.js';
import { TrajectoryError, truncatedWarning } from '../errors.js';
import { LineReader } from '../lines.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';

function coordinate(line: string, start: number, fileName: string, frame: number, atom: number): number {
  const text = line.slice(start, start + 8).trim();
  const v = Number(text);
  if (text === '' || !Number.isFinite(v))
    throw new TrajectoryError(fileName, `atom ${atom}: coordinate '${text}' is not a number`, frame, 'ATOM');
  return v;
}

function cryst1(line: string): Float64Array | undefined {
  const v = [6, 15, 24, 33, 40, 47].map((s, i) => Number(line.slice(s, s + (i < 3 ? 9 : 7))));
  if (!v.every(Number.isFinite)) return undefined;
  // mdtraj and others write a 1 x 1 x 1 Å placeholder cell when there is no unit cell.
  if (v[0] <= 1 && v[1] <= 1 && v[2] <= 1) return undefined;
  return boxFromLengthsAngles(v[0], v[1], v[2], v[3], v[4], v[5]);
}

export async function openPdb(source: ByteSource): Promise<TrajectoryReader> {
  const warnings: string[] = [];
  const names: string[] = [];
  async function* frames(): AsyncGenerator<TrajectoryFrame> {
    const lines = new LineReader(source);
    let coords: number[] = [];
    let box: Float64Array | undefined;
    let index = 0;
    let inModel = false;
    let firstCount = -1;
    const finish = (): TrajectoryFrame => {
      const frame = { index, coords: Float32Array.from(coords), box, bytesRead: lines.offset };
      if (index === 0) firstCount = coords.length / 3;
      index++;
      coords = [];
      return frame;
    };
    for (;;) {
      const line = await lines.readLine();
      if (line === null) break;
      const record = line.slice(0, 6).trim();
      if (record === 'CRYST1') box = cryst1(line);
      else if (record === 'MODEL') {
        if (coords.length > 0) yield finish();
        inModel = true;
      } else if (record === 'ATOM' || record === 'HETATM') {
        const atom = coords.length / 3;
        coords.push(
          coordinate(line, 30, source.name, index, atom),
          coordinate(line, 38, source.name, index, atom),
          coordinate(line, 46, source.name, index, atom),
        );
        if (index === 0 && names.length === atom) names.push(line.slice(12, 16).trim());
      } else if (record === 'ENDMDL') {
        if (coords.length > 0) yield finish();
        inModel = false;
      } else if (record === 'END') {
        if (coords.length > 0) yield finish();
        return;
      }
    }
    if (coords.length > 0) {
      // A MODEL that never reached ENDMDL and is shorter than the first one was cut off.
      if (inModel && firstCount > 0 && coords.length / 3 < firstCount) {
        warnings.push(truncatedWarning(source.name, index, firstCount, coords.length / 3, 'atoms'));
        return;
      }
      yield finish();
    }
  }
  // Count atoms and models in one streaming pass (PDB has no header count).
  let atoms = 0;
  let count = 0;
  const atomsPerFrame: number[] = [];
  for await (const f of frames()) {
    atomsPerFrame.push(f.coords.length / 3);
    if (count === 0) atoms = f.coords.length / 3;
    count++;
  }
  if (count === 0) throw new TrajectoryError(source.name, 'no ATOM or HETATM records', undefined, 'ATOM');
  const varying = atomsPerFrame.some((n) => n !== atoms);
  warnings.length = 0;
  return {
    format: 'pdb',
    atoms: varying ? atomsPerFrame : atoms,
    dims: 3,
    frameCount: count,
    unit: 'angstrom',
    atomNames: names.slice(0, atoms),
    warnings,
    streaming: true,
    frames,
  };
}
