/** Trajectory import and export formats (src/core/io). See README-free summary in each file. */
export { type ByteSource, bytesSource, readAll } from './source.js';
export { TrajectoryError, CancellationError } from './errors.js';
export type { TrajectoryFormat, TrajectoryReader, TrajectoryFrame, LengthUnit, BoxVectors } from './types.js';
export { TRAJECTORY_FORMATS } from './types.js';
export { openTrajectory, STREAMING_FORMATS, type OpenOptions } from './open.js';
export { detectFormat, formatFromExtension } from './detect.js';
export { parseAtomSelection } from './selection.js';
export { boxFromLengthsAngles, boxLengthsAngles } from './box.js';
export {
  importTrajectory,
  type ImportTarget,
  type ImportHooks,
  type ImportResult,
  type ImportProvenance,
  type ImportOptionsInput,
  type Relabel,
} from './import.js';
export * from './writers/index.js';
