import type { TrajectoryFormat } from './types.js';

const EXTENSIONS: Record<string, TrajectoryFormat> = {
  xyz: 'xyz',
  extxyz: 'xyz',
  pdb: 'pdb',
  ent: 'pdb',
  gro: 'gro',
  dcd: 'dcd',
  xtc: 'xtc',
  trr: 'trr',
  lammpstrj: 'lammps',
  lammps: 'lammps',
  dump: 'lammps',
  nc: 'netcdf',
  ncdf: 'netcdf',
  netcdf: 'netcdf',
  npy: 'npy',
  npz: 'npz',
  csv: 'csv',
};

export function formatFromExtension(name: string): TrajectoryFormat | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  return m ? EXTENSIONS[m[1].toLowerCase()] : undefined;
}

const PDB_RECORDS =
  /^(ATOM {2}|HETATM|MODEL |CRYST1|REMARK|HEADER|TITLE |COMPND|SOURCE|AUTHOR|EXPDTA|SEQRES|ENDMDL|END)/;
const GRO_ATOM = /^.{20}\s*-?\d*\.\d+\s*-?\d*\.\d+\s*-?\d*\.\d+/;

function be32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/**
 * The format from the first bytes (magic numbers, then text structure); the file name's extension
 * only breaks ties, because extensions lie (.dat, .txt, none).
 */
export function detectFormat(head: Uint8Array, name = ''): TrajectoryFormat | undefined {
  const ascii = (o: number, n: number): string => String.fromCharCode(...head.subarray(o, o + n));
  if (
    head.length >= 8 &&
    ascii(4, 4) === 'CORD' &&
    (be32(head, 0) === 84 || (head[0] === 84 && head[1] === 0 && head[2] === 0 && head[3] === 0))
  )
    return 'dcd';
  if (head.length >= 4 && be32(head, 0) === 1995) return 'xtc';
  if (head.length >= 4 && be32(head, 0) === 1993) return 'trr';
  if (head.length >= 4 && ascii(0, 3) === 'CDF' && (head[3] === 1 || head[3] === 2)) return 'netcdf';
  if (head.length >= 6 && head[0] === 0x93 && ascii(1, 5) === 'NUMPY') return 'npy';
  if (head.length >= 4 && ascii(0, 4) === 'PK\x03\x04') return 'npz';
  // Text formats: refuse binary-looking heads.
  const sample = head.subarray(0, 4096);
  let control = 0;
  for (const c of sample) if (c < 9 || (c > 13 && c < 32)) control++;
  if (control > 0) return undefined;
  const lines = new TextDecoder('utf-8').decode(sample).split(/\r?\n/);
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) return undefined;
  const first = lines[firstIdx];
  if (first.startsWith('ITEM:')) return 'lammps';
  if (
    lines.slice(0, 50).some((l) => /^(ATOM {2}|HETATM)/.test(l)) &&
    lines.slice(firstIdx, firstIdx + 5).every((l) => l === '' || PDB_RECORDS.test(l) || l.length < 6)
  )
    return 'pdb';
  if (PDB_RECORDS.test(first) && !/^\s*\d+\s*$/.test(first)) return 'pdb';
  if (/^\s*\d+\s*$/.test(first)) {
    const atomLine = lines[firstIdx + 2] ?? '';
    const tokens = atomLine.trim().split(/\s+/);
    if (tokens.length >= 4 && tokens.slice(1, 4).every((t) => Number.isFinite(Number(t)))) return 'xyz';
    if (/Properties=/.test(lines[firstIdx + 1] ?? '')) return 'xyz';
  }
  if (/^\s*\d+\s*$/.test(lines[firstIdx + 1] ?? '') && GRO_ATOM.test(lines[firstIdx + 2] ?? '')) return 'gro';
  if (first.includes(',')) return 'csv';
  const ext = formatFromExtension(name);
  return ext;
}
