import { boxFromLengthsAngles } from '../box.js';
import { TrajectoryError, truncatedWarning } from '../errors.js';
import { netcdfLayout, type NetcdfLayout, type NetcdfVariableLayout } from '../molstar.js';
import type { ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';

const BATCH_BYTES = 4 << 20;
const TYPE_BYTES: Record<string, number> = { float: 4, double: 8 };

/** Header bytes: a few kB in practice; grow the read when attributes are unusually long. */
async function readLayout(source: ByteSource): Promise<NetcdfLayout> {
  let lastError: unknown;
  for (const size of [64 << 10, 4 << 20, 64 << 20]) {
    const bytes = await source.read(0, Math.min(size, source.size));
    try {
      return netcdfLayout(bytes);
    } catch (e) {
      lastError = e;
      if (bytes.length >= source.size) break;
    }
  }
  throw new TrajectoryError(
    source.name,
    `is not a readable NetCDF file: ${(lastError as Error).message}`,
    undefined,
    'header',
  );
}

function numbers(
  dv: DataView,
  at: number,
  count: number,
  type: string,
  out: Float32Array | Float64Array,
): void {
  for (let i = 0; i < count; i++)
    out[i] = type === 'float' ? dv.getFloat32(at + 4 * i) : dv.getFloat64(at + 8 * i);
}

/**
 * AMBER NetCDF (http://ambermd.org/netcdf/nctraj.xhtml), CDF-1/CDF-2: header through molstar,
 * frames streamed record by record (big-endian float coordinates, double cell lengths/angles).
 */
export async function openNetcdfTrajectory(source: ByteSource): Promise<TrajectoryReader> {
  const name = source.name;
  const layout = await readLayout(source);
  const coords = layout.variables.coordinates;
  const atoms = layout.atoms;
  if (!coords) throw new TrajectoryError(name, 'has no coordinates variable', undefined, 'coordinates');
  if (atoms <= 0) throw new TrajectoryError(name, 'has no atom dimension', undefined, 'atom');
  const bytesPer = TYPE_BYTES[coords.type];
  if (!bytesPer || !coords.record || coords.size < atoms * 3 * bytesPer)
    throw new TrajectoryError(
      name,
      `coordinates variable (${coords.type}, ${coords.size} bytes per frame) is not ${atoms} x 3 floats per frame`,
      undefined,
      'coordinates',
    );
  const lengths = layout.variables.cell_lengths;
  const angles = layout.variables.cell_angles;
  const cell = (v: NetcdfVariableLayout | undefined): boolean =>
    !!v && v.record && !!TYPE_BYTES[v.type] && v.size >= 3 * TYPE_BYTES[v.type];
  const hasCell = cell(lengths) && cell(angles);
  const recordVars = Object.values(layout.variables).filter((v) => v.record);
  const first = Math.min(...recordVars.map((v) => v.offset));
  const step = layout.recordStep;
  if (
    step <= 0 ||
    first < 0 ||
    first > source.size ||
    recordVars.some((v) => v.offset - first + v.size > step)
  )
    throw new TrajectoryError(name, 'record layout is inconsistent', undefined, 'header');
  const complete = Math.floor((source.size - first) / step);
  const declared = layout.numrecs === 0xffffffff ? complete : layout.numrecs;
  const frameCount = Math.min(declared, complete);
  const warnings: string[] = [];
  if (declared > complete)
    warnings.push(truncatedWarning(name, complete, step, source.size - first - complete * step));

  async function* frames(): AsyncGenerator<TrajectoryFrame> {
    const perBatch = Math.max(1, Math.floor(BATCH_BYTES / step));
    for (let start = 0; start < frameCount; start += perBatch) {
      const count = Math.min(perBatch, frameCount - start);
      const bytes = await source.read(first + start * step, count * step);
      if (bytes.length < count * step)
        throw new TrajectoryError(
          name,
          `is truncated (expected ${count * step} bytes, got ${bytes.length})`,
          start,
        );
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let k = 0; k < count; k++) {
        const base = k * step - first;
        const xyz = new Float32Array(atoms * 3);
        numbers(dv, base + coords.offset, atoms * 3, coords.type, xyz);
        let box: Float64Array | undefined;
        if (hasCell && lengths && angles) {
          const l = new Float64Array(3);
          const a = new Float64Array(3);
          numbers(dv, base + lengths.offset, 3, lengths.type, l);
          numbers(dv, base + angles.offset, 3, angles.type, a);
          if (l.every((v) => v > 0) && a.every((v) => v > 0 && v < 180))
            box = boxFromLengthsAngles(l[0], l[1], l[2], a[0], a[1], a[2]);
        }
        yield { index: start + k, coords: xyz, box, bytesRead: first + (start + k + 1) * step };
      }
    }
  }
  return {
    format: 'netcdf',
    atoms,
    dims: 3,
    frameCount,
    unit: 'angstrom',
    warnings,
    streaming: true,
    frames,
  };
}
