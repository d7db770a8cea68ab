import { checkFrames, frameCoordinate, type StructureWriteOptions } from './xyz.js';

function fixed(value: number, width: number, digits: number): string {
  const s = value.toFixed(digits);
  if (s.length > width) throw new RangeError(`value ${value} does not fit a PDB column of width ${width}`);
  return s.padStart(width);
}

/** Multi-model PDB: MODEL/ENDMDL per frame, HETATM records, CRYST1 when a box is given. */
export function writePdb(
  frames: Float32Array,
  nFrames: number,
  particles: number,
  spatialDims: number,
  options: StructureWriteOptions = {},
): string {
  checkFrames(frames, nFrames, particles, spatialDims);
  if (particles > 99999) throw new RangeError('PDB holds at most 99999 atoms per model');
  const element = (options.element ?? 'C').slice(0, 2);
  const highlighted = new Set(options.highlighted ?? []);
  const out: string[] = [];
  out.push(`REMARK   1 WRITTEN BY BOLTZMANN WORKBENCH, UNITS ${(options.unit ?? 'reduced').toUpperCase()}`);
  if (options.box) {
    const [a, b, c] = options.box;
    out.push(
      `CRYST1${fixed(a, 9, 3)}${fixed(b, 9, 3)}${fixed(c, 9, 3)}  90.00  90.00  90.00 P 1           1`,
    );
  }
  for (let f = 0; f < nFrames; f++) {
    out.push(`MODEL     ${String(f + 1).padStart(4)}`);
    const comment = options.comments?.[f];
    if (comment) out.push(`REMARK   2 ${comment.replace(/[\r\n]+/g, ' ').slice(0, 68)}`);
    for (let p = 0; p < particles; p++) {
      const el = highlighted.has(p) ? 'O' : element;
      const name = el.padEnd(3).slice(0, 3);
      const [x, y, z] = [0, 1, 2].map((a) => frameCoordinate(frames, f, p, a, particles, spatialDims));
      out.push(
        'HETATM' +
          String(p + 1).padStart(5) +
          '  ' +
          name +
          ' ' +
          'PAR' +
          ' A' +
          String(1).padStart(4) +
          '    ' +
          fixed(x, 8, 3) +
          fixed(y, 8, 3) +
          fixed(z, 8, 3) +
          '  1.00  0.00          ' +
          el.padStart(2),
      );
    }
    out.push('ENDMDL');
  }
  out.push('END');
  return out.join('\n') + '\n';
}
