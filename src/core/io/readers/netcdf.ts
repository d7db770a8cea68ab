import { TrajectoryError } from '../errors.js';
import { openNetcdf } from '../molstar.js';
import { readAll, type ByteSource } from '../source.js';
import type { TrajectoryFrame, TrajectoryReader } from '../types.js';

/** AMBER NetCDF (CDF-1/CDF-2) through molstar; reads the whole file (molstar's reader needs it). */
export async function openNetcdfTrajectory(source: ByteSource): Promise<TrajectoryReader> {
  const bytes = await readAll(source);
  let nc: ReturnType<typeof openNetcdf>;
  try {
    nc = openNetcdf(bytes);
  } catch (e) {
    throw new TrajectoryError(
      source.name,
      `is not a readable NetCDF file: ${(e as Error).message}`,
      undefined,
      'header',
    );
  }
  if (!nc.variables.includes('coordinates'))
    throw new TrajectoryError(source.name, 'has no coordinates variable', undefined, 'coordinates');
  if (nc.atoms <= 0) throw new TrajectoryError(source.name, 'has no atom dimension', undefined, 'atom');
  // Each frame stores atoms*3 floats at least; refuse headers that declare more than the file holds.
  if (nc.frames * nc.atoms * 12 > bytes.length)
    throw new TrajectoryError(
      source.name,
      `declares ${nc.frames} frames of ${nc.atoms} atoms, more than the file holds`,
      undefined,
      'frame',
    );
  const warnings: string[] = [];
  return {
    format: 'netcdf',
    atoms: nc.atoms,
    dims: 3,
    frameCount: nc.frames,
    unit: 'angstrom',
    warnings,
    streaming: false,
    async *frames(): AsyncGenerator<TrajectoryFrame> {
      let decoded;
      try {
        decoded = nc.read();
      } catch (e) {
        throw new TrajectoryError(
          source.name,
          `cannot be decoded: ${(e as Error).message}`,
          undefined,
          'coordinates',
        );
      }
      for (let index = 0; index < decoded.length; index++) {
        if (decoded[index].coords.length !== nc.atoms * 3)
          throw new TrajectoryError(
            source.name,
            `holds ${decoded[index].coords.length} values, expected ${nc.atoms * 3}`,
            index,
            'coordinates',
          );
        yield { index, coords: decoded[index].coords, box: decoded[index].box };
      }
    },
  };
}
