/** Every failure to read a trajectory, with where it happened: file, frame (when known), field. */
export class TrajectoryError extends Error {
  override readonly name = 'TrajectoryError';
  constructor(
    readonly fileName: string,
    detail: string,
    readonly frame?: number,
    readonly field?: string,
  ) {
    super(`${fileName}: ${frame !== undefined ? `frame ${frame} ` : ''}${detail}`);
  }
}

export { CancellationError, throwIfAborted } from '../cancel.js';

/** The user-visible warning for a truncated last frame, worded the same for every format. */
export function truncatedWarning(
  fileName: string,
  frame: number,
  expected: number,
  got: number,
  what = 'bytes',
): string {
  return `${fileName}: frame ${frame} is truncated (expected ${expected} ${what}, got ${got}); dropped it and kept ${frame} complete frames`;
}
