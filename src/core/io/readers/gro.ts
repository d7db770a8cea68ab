import { TrajectoryError, truncatedWarning } from '../errors.js';
import { LineReader } from '../lines.js';
import { parseGroText } from '../molstar.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';

/** Text of frames handed to molstar at once. */
const BATCH_CHARS = 1 << 20;

interface GroFrameText {
  text: string;
  atoms: number;
  box: Float64Array;
}

/**
 * GRO through molstar, streamed: frames are cut out of the text here (molstar's parser wants the
 * whole file, reads a garbage atom count as NaN, keeps only the box diagonal and runs past a
 * cut-off last frame), then parsed by molstar in ~1 MB batches.
 */
export async function openGro(source: ByteSource): Promise<TrajectoryReader> {
  const name = source.name;
  const warnings: string[] = [];
  const names: string[] = [];

  async function* frameTexts(): AsyncGenerator<GroFrameText> {
    const lines = new LineReader(source);
    for (let index = 0; ; index++) {
      const title = await lines.readNonBlank();
      if (title === null) return;
      const countText = await lines.readLine();
      if (countText === null) {
        warnings.push(truncatedWarning(name, index, 1, 0, 'atom-count lines'));
        return;
      }
      const count = Number(countText.trim());
      if (!Number.isSafeInteger(count) || count <= 0)
        throw new TrajectoryError(
          name,
          `atom count '${countText.trim().slice(0, 20)}' is not a positive integer`,
          index,
          'count',
        );
      if (count * 45 > source.size) {
        // Every atom line has at least 44 fixed columns: more atoms than that cannot be in the file.
        warnings.push(truncatedWarning(name, index, count, Math.floor(source.size / 45), 'atom lines'));
        return;
      }
      const atomLines: string[] = [];
      for (let i = 0; i < count; i++) {
        const line = await lines.readLine();
        if (line === null) {
          warnings.push(truncatedWarning(name, index, count + 1, i, 'lines'));
          return;
        }
        if (line.length < 44)
          throw new TrajectoryError(
            name,
            `atom line ${i} is shorter than the 44 fixed columns`,
            index,
            'atom',
          );
        atomLines.push(line);
      }
      const boxLine = await lines.readLine();
      if (boxLine === null || boxLine.trim() === '') {
        warnings.push(truncatedWarning(name, index, count + 1, count, 'lines'));
        return;
      }
      const v = boxLine.trim().split(/\s+/).map(Number);
      if (!(v.length === 3 || v.length === 9) || !v.every(Number.isFinite))
        throw new TrajectoryError(name, `box line '${boxLine.slice(0, 40)}' is malformed`, index, 'box');
      // GRO box line: v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y).
      const [ax, by, cz, ay = 0, az = 0, bx = 0, bz = 0, cx = 0, cy = 0] = v;
      const box = Float64Array.from([ax, ay, az, bx, by, bz, cx, cy, cz]);
      yield { text: `${title}\n${countText}\n${atomLines.join('\n')}\n${boxLine}\n`, atoms: count, box };
    }
  }

  async function* frames(): AsyncGenerator<TrajectoryFrame> {
    let index = 0;
    let batch: GroFrameText[] = [];
    let chars = 0;
    const flush = async function* (): AsyncGenerator<TrajectoryFrame> {
      if (batch.length === 0) return;
      let structures;
      try {
        structures = await parseGroText(batch.map((b) => b.text).join(''));
      } catch (e) {
        throw new TrajectoryError(name, `cannot be parsed: ${(e as Error).message}`, index);
      }
      if (structures.length !== batch.length)
        throw new TrajectoryError(
          name,
          `parsed ${structures.length} frames, expected ${batch.length}`,
          index,
        );
      for (let k = 0; k < batch.length; k++) {
        if (index === 0 && names.length === 0) names.push(...structures[k].names);
        yield { index, coords: structures[k].coords, box: batch[k].box };
        index++;
      }
      batch = [];
      chars = 0;
    };
    for await (const f of frameTexts()) {
      batch.push(f);
      chars += f.text.length;
      if (chars >= BATCH_CHARS) yield* flush();
    }
    yield* flush();
  }

  // The first frame's count line gives the atom count.
  const head = new LineReader(source);
  const title = await head.readNonBlank();
  const count = Number((await head.readLine())?.trim());
  if (title === null || !Number.isSafeInteger(count) || count <= 0)
    throw new TrajectoryError(name, 'second line is not an atom count', 0, 'count');
  return {
    format: 'gro',
    atoms: count,
    dims: 3,
    unit: 'nm',
    atomNames: names,
    warnings,
    streaming: true,
    frames,
  };
}
