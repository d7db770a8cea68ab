export const TRAJECTORY_FORMATS = [
  'xyz',
  'pdb',
  'gro',
  'dcd',
  'xtc',
  'trr',
  'lammps',
  'netcdf',
  'npy',
  'npz',
  'csv',
] as const;

export type TrajectoryFormat = (typeof TRAJECTORY_FORMATS)[number];

export type LengthUnit = 'angstrom' | 'nm' | 'reduced';

/** Periodic cell as three box vectors, row-major [ax ay az bx by bz cx cy cz], in file units. */
export type BoxVectors = Float64Array;

export interface TrajectoryFrame {
  index: number;
  /** atoms * dims values (dims = TrajectoryReader.dims, 3 for MD files), in file units. */
  coords: Float32Array;
  box?: BoxVectors;
  /** Bytes of the source consumed up to the end of this frame (for progress). */
  bytesRead?: number;
}

export interface TrajectoryReader {
  format: TrajectoryFormat;
  /** Atoms per frame; an array when the file's frames differ (importing such a file is refused). */
  atoms: number | number[];
  /** Coordinates per atom: 3 for MD formats, 2 or 3 for npy/csv. */
  dims: number;
  /** Frame count when known before reading (header or whole-file formats). */
  frameCount?: number;
  unit: LengthUnit;
  /** True when the file does not say its unit and `unit` is a guess (LAMMPS dumps). */
  unitAssumed?: boolean;
  atomNames?: string[];
  /** User-visible notes (e.g. a dropped truncated frame); grows while frames() runs. */
  warnings: string[];
  /** Whether frames() streams (bounded memory) or the reader loaded the whole file. */
  streaming: boolean;
  frames(): AsyncIterable<TrajectoryFrame>;
}
