import type { ProfileBin } from '../../../shared/runspec.js';

export interface PlumedFesOptions {
  /** Name of the reaction coordinate, used in the field names (rc -> `file.free`, `der_rc`). */
  rcName: string;
  /** Temperature of the profile, relative to the reference (τ); written in a comment line. */
  temperature: number;
  /** Histogram range; the header is derived from the profile's points (see writePlumedFes). */
  min?: number;
  max?: number;
  nbins?: number;
  periodic?: false;
  /** Length unit of the reaction coordinate, e.g. 'reduced'. */
  unit?: string;
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(9);
}

/**
 * PLUMED DUMPGRID / sum_hills style fes.dat: `#! FIELDS rc file.free der_rc`, `#! SET` lines, then
 * one row per grid point. der is the central finite difference of F along rc.
 */
export function writePlumedFes(profile: ProfileBin[], options: PlumedFesOptions): string {
  const name = options.rcName.replace(/\s+/g, '_');
  if (!name) throw new RangeError('rcName must not be empty');
  const n = profile.length;
  // The header must describe the rows written (PLUMED checks it): grid points are the profile's
  // rc values, so min/max are the first/last point and nbins = points - 1 (non-periodic grids).
  // Histogram edges passed as min/max/nbins are only used for an empty profile.
  const min = n > 0 ? profile[0].rc : (options.min ?? 0);
  const max = n > 0 ? profile[n - 1].rc : (options.max ?? 0);
  const nbins = n > 0 ? n - 1 : (options.nbins ?? 0);
  const lines = [
    `#! FIELDS ${name} file.free der_${name}`,
    `#! SET min_${name} ${num(min)}`,
    `#! SET max_${name} ${num(max)}`,
    `#! SET nbins_${name} ${nbins}`,
    `#! SET periodic_${name} false`,
    `# free energy in kT0 (kT at the reference temperature), temperature tau=${options.temperature}, ${name} in ${options.unit ?? 'reduced'} units`,
  ];
  for (let i = 0; i < n; i++) {
    const lo = profile[Math.max(0, i - 1)];
    const hi = profile[Math.min(n - 1, i + 1)];
    const der = hi.rc !== lo.rc ? (hi.F - lo.F) / (hi.rc - lo.rc) : 0;
    lines.push(`${num(profile[i].rc)} ${num(profile[i].F)} ${num(der)}`);
  }
  return lines.join('\n') + '\n';
}

export interface PlumedGrid {
  fields: string[];
  set: Record<string, string>;
  comments: string[];
  /** One array per field, in file order. */
  columns: Record<string, number[]>;
}

function parseNum(token: string): number {
  const t = token.toLowerCase();
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  const v = Number(token);
  if (Number.isNaN(v)) throw new SyntaxError(`not a number: '${token}'`);
  return v;
}

/** Reads a PLUMED grid file (fes.dat, DUMPGRID); blank lines between 2D blocks are skipped. */
export function parsePlumedGrid(text: string): PlumedGrid {
  const grid: PlumedGrid = { fields: [], set: {}, comments: [], columns: {} };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#! FIELDS')) {
      grid.fields = line.slice('#! FIELDS'.length).trim().split(/\s+/);
      for (const f of grid.fields) grid.columns[f] = [];
    } else if (line.startsWith('#! SET')) {
      const [key, ...value] = line.slice('#! SET'.length).trim().split(/\s+/);
      grid.set[key] = value.join(' ');
    } else if (line.startsWith('#')) {
      grid.comments.push(line.replace(/^#\s?/, ''));
    } else {
      if (grid.fields.length === 0) throw new SyntaxError('data line before #! FIELDS');
      const tokens = line.split(/\s+/);
      if (tokens.length !== grid.fields.length)
        throw new SyntaxError(`expected ${grid.fields.length} values, got ${tokens.length}: '${line}'`);
      tokens.forEach((t, i) => grid.columns[grid.fields[i]].push(parseNum(t)));
    }
  }
  return grid;
}
