import { detectFormat, formatFromExtension } from './detect.js';
import { CancellationError, TrajectoryError } from './errors.js';
import { openCsv } from './readers/csv.js';
import { openDcd } from './readers/dcd.js';
import { openGro } from './readers/gro.js';
import { openLammps } from './readers/lammps.js';
import { openNetcdfTrajectory } from './readers/netcdf.js';
import { openNpy, openNpz } from './readers/npy.js';
import { openPdb } from './readers/pdb.js';
import { openTrr } from './readers/trr.js';
import { openXtc } from './readers/xtc.js';
import { openXyz } from './readers/xyz.js';
import type { ByteSource } from './source.js';
import {
  TRAJECTORY_FORMATS,
  type TrajectoryFormat,
  type TrajectoryFrame,
  type TrajectoryReader,
} from './types.js';

export interface OpenOptions {
  /** Skip detection (the user chose); otherwise detected from content, then extension. */
  format?: TrajectoryFormat | string;
  /** How flat npy/npz/csv rows split into atoms (the target system's spatial dimension). */
  dims?: number;
  /** For .npz: the array to read (default: x, xyz, coordinates, positions, samples, ... or the first). */
  array?: string;
}

/** Formats that stream in bounded memory; the rest read the whole file. */
export const STREAMING_FORMATS: readonly TrajectoryFormat[] = [
  'xyz',
  'pdb',
  'gro',
  'dcd',
  'xtc',
  'trr',
  'lammps',
  'netcdf',
];

function asTrajectoryError(source: ByteSource, e: unknown, frame?: number): Error {
  if (e instanceof TrajectoryError || e instanceof CancellationError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TrajectoryError(source.name, `cannot be read: ${message}`, frame);
}

function normalizeFormat(source: ByteSource, format: string): TrajectoryFormat {
  const f = format.toLowerCase();
  const alias: Record<string, TrajectoryFormat> = {
    extxyz: 'xyz',
    lammpstrj: 'lammps',
    dump: 'lammps',
    nc: 'netcdf',
    ncdf: 'netcdf',
    amber: 'netcdf',
  };
  const resolved =
    alias[f] ?? (TRAJECTORY_FORMATS.includes(f as TrajectoryFormat) ? (f as TrajectoryFormat) : undefined);
  if (!resolved)
    throw new TrajectoryError(
      source.name,
      `unknown format '${format}' (known: ${TRAJECTORY_FORMATS.join(', ')})`,
      undefined,
      'format',
    );
  return resolved;
}

/** Opens a trajectory; errors (including corrupt data found while iterating) are TrajectoryError. */
export async function openTrajectory(
  source: ByteSource,
  options: OpenOptions = {},
): Promise<TrajectoryReader> {
  if (source.size === 0) throw new TrajectoryError(source.name, 'is empty (0 bytes)');
  let reader: TrajectoryReader;
  try {
    const head = await source.read(0, 4096);
    const format = options.format
      ? normalizeFormat(source, options.format)
      : (detectFormat(head, source.name) ?? formatFromExtension(source.name));
    if (!format)
      throw new TrajectoryError(
        source.name,
        'format not recognised from its content or extension',
        undefined,
        'format',
      );
    switch (format) {
      case 'xyz':
        reader = await openXyz(source);
        break;
      case 'pdb':
        reader = await openPdb(source);
        break;
      case 'gro':
        reader = await openGro(source);
        break;
      case 'dcd':
        reader = await openDcd(source);
        break;
      case 'xtc':
        reader = await openXtc(source);
        break;
      case 'trr':
        reader = await openTrr(source);
        break;
      case 'lammps':
        reader = await openLammps(source);
        break;
      case 'netcdf':
        reader = await openNetcdfTrajectory(source);
        break;
      case 'npy':
        reader = await openNpy(source, options.dims);
        break;
      case 'npz':
        reader = await openNpz(source, options.dims, options.array);
        break;
      case 'csv':
        reader = await openCsv(source, options.dims);
        break;
    }
  } catch (e) {
    throw asTrajectoryError(source, e);
  }
  const inner = reader.frames.bind(reader);
  return {
    ...reader,
    async *frames(): AsyncGenerator<TrajectoryFrame> {
      let last = -1;
      try {
        for await (const frame of inner()) {
          last = frame.index;
          // Corrupt binary data decodes to NaN/Inf; no caller can use such a frame.
          const c = frame.coords;
          for (let i = 0; i < c.length; i++) {
            if (!Number.isFinite(c[i]))
              throw new TrajectoryError(
                source.name,
                `atom ${Math.floor(i / reader.dims)} has a non-finite coordinate (${c[i]})`,
                frame.index,
                'coordinates',
              );
          }
          yield frame;
        }
        if (last < 0) {
          const why = reader.warnings.find((w) => /truncated/.test(w));
          throw new TrajectoryError(
            source.name,
            `holds no complete frame${why ? ` (${why.replace(`${source.name}: `, '')})` : ''}`,
            0,
          );
        }
      } catch (e) {
        throw asTrajectoryError(source, e, last + 1);
      }
    },
  };
}
