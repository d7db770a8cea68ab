export interface StructureWriteOptions {
  /** One comment line per frame (XYZ) or REMARK (PDB); defaults name the frame. */
  comments?: string[];
  /** Element symbol for every particle (default 'C'). */
  element?: string;
  /** Particles written with element 'O' so VMD/OVITO colour them apart (e.g. the dimer). */
  highlighted?: number[];
  /** Box lengths [a, b, c] in the same units as the coordinates (PDB CRYST1). */
  box?: [number, number, number];
  /** Length unit named in the header, e.g. 'reduced' or 'angstrom'. */
  unit?: string;
}

export function frameCoordinate(
  frames: Float32Array,
  frame: number,
  particle: number,
  axis: number,
  particles: number,
  spatialDims: number,
): number {
  // 2D systems live in the xy plane: z = 0.
  if (axis >= spatialDims) return 0;
  return frames[(frame * particles + particle) * spatialDims + axis];
}

export function checkFrames(
  frames: Float32Array,
  nFrames: number,
  particles: number,
  spatialDims: number,
): void {
  if (spatialDims < 1 || spatialDims > 3)
    throw new RangeError(`spatialDims must be 1, 2 or 3, got ${spatialDims}`);
  if (frames.length < nFrames * particles * spatialDims)
    throw new RangeError(`frames holds ${frames.length} values, need ${nFrames * particles * spatialDims}`);
}

/** Multi-frame XYZ (VMD/OVITO): count line, comment line, `El x y z` per particle. */
export function writeXyz(
  frames: Float32Array,
  nFrames: number,
  particles: number,
  spatialDims: number,
  options: StructureWriteOptions = {},
): string {
  checkFrames(frames, nFrames, particles, spatialDims);
  const element = options.element ?? 'C';
  const highlighted = new Set(options.highlighted ?? []);
  const unit = options.unit ?? 'reduced';
  const out: string[] = [];
  for (let f = 0; f < nFrames; f++) {
    out.push(String(particles));
    const comment = options.comments?.[f] ?? `frame ${f}`;
    out.push(`${comment.replace(/[\r\n]+/g, ' ')} units=${unit}`);
    for (let p = 0; p < particles; p++) {
      const el = highlighted.has(p) ? 'O' : element;
      const xyz = [0, 1, 2].map((a) => frameCoordinate(frames, f, p, a, particles, spatialDims).toFixed(6));
      out.push(`${el} ${xyz.join(' ')}`);
    }
  }
  return out.join('\n') + '\n';
}
