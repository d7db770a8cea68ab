import { TrajectoryError, truncatedWarning } from '../errors.js';
import { parseGroText } from '../molstar.js';
import { readAll, type ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';

/**
 * GRO through molstar, after checking the frame structure here: molstar reads a garbage atom count
 * as NaN, keeps only the box diagonal, and runs past a cut-off last frame. Reads the whole file.
 */
export async function openGro(source: ByteSource): Promise<TrajectoryReader> {
  const text = new TextDecoder('utf-8').decode(await readAll(source));
  const lines = text.split(/\r?\n/);
  const warnings: string[] = [];
  const boxes: (Float64Array | undefined)[] = [];
  let line = 0;
  let keepUpTo = 0;
  for (let index = 0; line < lines.length; index++) {
    if (lines.slice(line).every((l) => l.trim() === '')) break;
    const countText = lines[line + 1];
    const count = countText === undefined ? NaN : Number(countText.trim());
    if (countText === undefined) {
      warnings.push(truncatedWarning(source.name, index, 1, 0, 'atom-count lines'));
      break;
    }
    if (!Number.isSafeInteger(count) || count <= 0)
      throw new TrajectoryError(
        source.name,
        `atom count '${countText.trim().slice(0, 20)}' is not a positive integer`,
        index,
        'count',
      );
    const boxLine = lines[line + 2 + count];
    if (boxLine === undefined || boxLine.trim() === '') {
      warnings.push(
        truncatedWarning(source.name, index, count + 1, Math.max(0, lines.length - line - 2), 'lines'),
      );
      break;
    }
    for (let i = 0; i < count; i++) {
      if (lines[line + 2 + i].length < 44)
        throw new TrajectoryError(
          source.name,
          `atom line ${i} is shorter than the 44 fixed columns`,
          index,
          'atom',
        );
    }
    const v = boxLine.trim().split(/\s+/).map(Number);
    if (!(v.length === 3 || v.length === 9) || !v.every(Number.isFinite))
      throw new TrajectoryError(source.name, `box line '${boxLine.slice(0, 40)}' is malformed`, index, 'box');
    // GRO box line: v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y).
    const [ax, by, cz, ay = 0, az = 0, bx = 0, bz = 0, cx = 0, cy = 0] = v;
    boxes.push(Float64Array.from([ax, ay, az, bx, by, bz, cx, cy, cz]));
    line += 3 + count;
    keepUpTo = line;
  }
  if (boxes.length === 0) throw new TrajectoryError(source.name, 'holds no complete GRO frame', 0);
  let structures;
  try {
    structures = await parseGroText(lines.slice(0, keepUpTo).join('\n') + '\n');
  } catch (e) {
    throw new TrajectoryError(source.name, `cannot be parsed: ${(e as Error).message}`);
  }
  const counts = structures.map((s) => s.atoms);
  const varying = counts.some((c) => c !== counts[0]);
  return {
    format: 'gro',
    atoms: varying ? counts : counts[0],
    dims: 3,
    frameCount: structures.length,
    unit: 'nm',
    atomNames: structures[0].names,
    warnings,
    streaming: false,
    async *frames(): AsyncGenerator<TrajectoryFrame> {
      for (let index = 0; index < structures.length; index++) {
        yield { index, coords: structures[index].coords, box: boxes[index] };
      }
    },
  };
}
