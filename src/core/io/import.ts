import { createHash } from 'node:crypto';
import type { ImportOptions } from '../../shared/contract.js';
import type { z } from 'zod';
import { relabelIdentical } from '../sampling/relabel.js';
import { CancellationError, TrajectoryError, throwIfAborted } from './errors.js';
import { openTrajectory } from './open.js';
import { parseAtomSelection } from './selection.js';
import type { ByteSource } from './source.js';
import type { LengthUnit, TrajectoryReader } from './types.js';

export type ImportOptionsInput = z.infer<typeof ImportOptions>;

export interface ImportTarget {
  /** Configuration dimension of the system: particles * spatialDims. */
  dim: number;
  particles: number;
  spatialDims: number;
  /** Reference configuration (dim values) for permutation relabelling. */
  reference?: Float64Array;
  /** Indices of interchangeable particles (relabelled by Hungarian assignment to the reference). */
  identical?: number[];
}

export interface ImportHooks {
  onProgress?(fraction: number, message: string): void;
  signal?: AbortSignal;
}

export interface ImportProvenance {
  fileName: string;
  size: number;
  sha256: string;
  format: string;
  /** Length unit of the file (as read or as the user declared). */
  units: LengthUnit;
  /** Factor applied to file coordinates to give the system's reduced units. */
  scale: number;
  /** Atoms per frame in the file. */
  atoms: number;
  /** 0-based atom indices kept, as typed ('all' when every atom). */
  selection: string;
  /** Cartesian plane kept for 2D targets, null for 3D/1D. */
  plane: 'xy' | 'xz' | 'yz' | null;
  stride: number;
  /** [first, end) frame indices considered (end null = to the end of the file). */
  frameRange: [number, number | null];
  framesRead: number;
  framesKept: number;
}

export interface ImportResult {
  /** nFrames * dim values, row-major, in the system's reduced units. */
  frames: Float32Array;
  nFrames: number;
  warnings: string[];
  provenance: ImportProvenance;
}

/** Relabelling function; defaults to src/core/sampling/relabel.ts `relabelIdentical` (tests may inject). */
export type Relabel = (
  frames: Float32Array,
  nFrames: number,
  reference: Float64Array,
  identical: number[],
  spatialDims: number,
) => Float32Array | void | Promise<Float32Array | void>;

const PLANES = { xy: [0, 1, 2], xz: [0, 2, 1], yz: [1, 2, 0] } as const;

async function sha256(source: ByteSource, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const chunk = 4 << 20;
  for (let offset = 0; offset < source.size; offset += chunk) {
    throwIfAborted(signal);
    hash.update(await source.read(offset, chunk));
  }
  return hash.digest('hex');
}

/** Growing Float32Array so the kept frames are stored once, without a per-frame array of arrays. */
class FrameBuffer {
  data: Float32Array;
  length = 0;
  /** `expected` values when the frame count is known up front: then no growth and no final copy. */
  constructor(expected = 0) {
    this.data = new Float32Array(expected);
  }
  push(values: Float32Array): void {
    if (this.length + values.length > this.data.length) {
      const next = new Float32Array(Math.max(1024, 2 * (this.length + values.length)));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }
  result(): Float32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/**
 * Reads a trajectory into the system's configuration space: selects atoms (0-based indices),
 * picks the plane for 2D systems, converts lengths by `scale`, applies stride and frame range,
 * optionally relabels identical particles. Cancel with hooks.signal (throws CancellationError).
 */
export async function importTrajectory(
  source: ByteSource,
  target: ImportTarget,
  options: ImportOptionsInput,
  hooks: ImportHooks = {},
  relabel: Relabel = relabelIdentical,
): Promise<ImportResult> {
  const { signal, onProgress } = hooks;
  const name = source.name;
  if (target.dim !== target.particles * target.spatialDims)
    throw new RangeError(
      `target dim ${target.dim} is not particles ${target.particles} x spatialDims ${target.spatialDims}`,
    );
  throwIfAborted(signal);
  onProgress?.(0, `hashing ${name}`);
  const digest = await sha256(source, signal);
  const reader: TrajectoryReader = await openTrajectory(source, {
    format: options.format,
    dims: target.spatialDims,
  });
  const warnings = reader.warnings;
  if (Array.isArray(reader.atoms)) {
    const first = reader.atoms.findIndex((n) => n !== (reader.atoms as number[])[0]);
    throw new TrajectoryError(
      name,
      `has ${(reader.atoms as number[])[first]} atoms, frame 0 has ${(reader.atoms as number[])[0]}: the atom count varies`,
      first,
      'atoms',
    );
  }
  const atoms = reader.atoms;
  const dims = reader.dims;
  let selection: number[];
  try {
    selection = parseAtomSelection(options.atoms, atoms);
  } catch (e) {
    throw new TrajectoryError(name, (e as Error).message, undefined, 'atoms');
  }
  if (selection.length !== target.particles)
    throw new TrajectoryError(
      name,
      `has ${selection.length} ${options.atoms ? 'selected ' : ''}atoms, the system has ${target.particles} particles; choose atoms with a selection like "0-${target.particles - 1}"`,
      undefined,
      'atoms',
    );
  // Which file axes feed the system's axes; for 2D the plane's third axis is dropped.
  let axes: number[];
  let dropped = -1;
  let plane: ImportProvenance['plane'] = null;
  if (target.spatialDims === dims) axes = Array.from({ length: dims }, (_, i) => i);
  else if (dims === 3 && target.spatialDims === 2) {
    plane = options.plane ?? 'xy';
    const [a, b, c] = PLANES[plane];
    axes = [a, b];
    dropped = c;
  } else if (dims === 3 && target.spatialDims === 1) {
    axes = [0];
    warnings.push(`${name}: 1D system, kept the x coordinate`);
  } else
    throw new TrajectoryError(
      name,
      `holds ${dims}-D coordinates, the system is ${target.spatialDims}-D`,
      undefined,
      'dims',
    );

  const units: LengthUnit = options.units ?? reader.unit;
  if (reader.unitAssumed && options.units === undefined)
    warnings.push(
      `${name}: ${reader.format} files do not store their length unit; assumed ${reader.unit}. Set units if the run used another (e.g. reduced for LAMMPS units lj)`,
    );
  const scale = options.scale ?? 1;
  if (options.scale === undefined && units !== 'reduced')
    warnings.push(
      `${name}: no scale given; coordinates in ${units} are used as reduced units unchanged (scale 1)`,
    );

  const stride = options.stride ?? 1;
  const [start, endRaw] = options.frames ?? [0, -1];
  const end = endRaw < 0 ? Infinity : endRaw;
  if (start < 0 || end <= start)
    throw new TrajectoryError(name, `frame range [${start}, ${endRaw}) is empty`, undefined, 'frames');

  const expectedFrames =
    reader.frameCount !== undefined
      ? Math.max(0, Math.ceil((Math.min(end, reader.frameCount) - start) / stride))
      : 0;
  const out = new FrameBuffer(expectedFrames * target.dim);
  const row = new Float32Array(target.dim);
  let framesRead = 0;
  let kept = 0;
  let droppedValue = NaN;
  let droppedSpread = 0;
  for await (const frame of reader.frames()) {
    throwIfAborted(signal);
    framesRead++;
    if (frame.coords.length !== atoms * dims)
      throw new TrajectoryError(
        name,
        `has ${frame.coords.length / dims} atoms, frame 0 has ${atoms}: the atom count varies`,
        frame.index,
        'atoms',
      );
    if (frame.index >= end) break;
    if (frame.index < start || (frame.index - start) % stride !== 0) continue;
    for (let p = 0; p < selection.length; p++) {
      const base = selection[p] * dims;
      for (let k = 0; k < axes.length; k++) {
        const v = frame.coords[base + axes[k]];
        if (!Number.isFinite(v))
          throw new TrajectoryError(
            name,
            `atom ${selection[p]} has a non-finite coordinate (${v})`,
            frame.index,
            'coordinates',
          );
        row[p * axes.length + k] = v * scale;
      }
      if (dropped >= 0) {
        const d = frame.coords[base + dropped];
        if (Number.isNaN(droppedValue)) droppedValue = d;
        droppedSpread = Math.max(droppedSpread, Math.abs(d - droppedValue));
      }
    }
    out.push(row);
    kept++;
    if (onProgress && (kept & 63) === 0) {
      const fraction = reader.frameCount
        ? framesRead / reader.frameCount
        : frame.bytesRead
          ? frame.bytesRead / source.size
          : 0;
      onProgress(Math.min(0.99, fraction), `read ${framesRead} frames`);
    }
  }
  if (dropped >= 0 && droppedSpread > 1e-6 * Math.max(1, Math.abs(droppedValue))) {
    const axis = 'xyz'[dropped];
    const message = `the dropped ${axis} axis of plane ${plane} is not constant (varies by ${droppedSpread.toPrecision(3)} ${units})`;
    if (!options.allowNonConstantAxis)
      throw new TrajectoryError(
        name,
        `${message}; choose another plane or allow a non-constant axis`,
        undefined,
        axis,
      );
    warnings.push(`${name}: ${message}; projected anyway`);
  }
  if (kept === 0)
    throw new TrajectoryError(
      name,
      `no frames in range [${start}, ${endRaw}) with stride ${stride} (the file has ${framesRead})`,
      undefined,
      'frames',
    );
  let frames = out.result();
  if (options.relabel) {
    if (!target.reference || !target.identical || target.identical.length < 2)
      warnings.push(
        `${name}: relabelling skipped (the system has no reference configuration or identical particles)`,
      );
    else {
      throwIfAborted(signal);
      onProgress?.(0.99, 'relabelling identical particles');
      const relabelled = await relabel(frames, kept, target.reference, target.identical, target.spatialDims);
      if (relabelled instanceof Float32Array) frames = relabelled;
    }
  }
  onProgress?.(1, `imported ${kept} frames`);
  return {
    frames,
    nFrames: kept,
    warnings: [...warnings],
    provenance: {
      fileName: name,
      size: source.size,
      sha256: digest,
      format: reader.format,
      units,
      scale,
      atoms,
      selection: options.atoms?.trim() || 'all',
      plane,
      stride,
      frameRange: [start, Number.isFinite(end) ? end : null],
      framesRead,
      framesKept: kept,
    },
  };
}

export { CancellationError };
