/**
 * The one place that calls molstar's readers (mol-io/reader: xtc, trr, nctraj, gro). Every call
 * gets a fresh, owned copy of its bytes (molstar's TRR and NetCDF readers ignore byteOffset and
 * byte-swap in place) and returns coordinates in FILE units: molstar multiplies XTC/TRR (and their
 * boxes) by 10 to Angstrom, which is undone here.
 */
import { parseXtc } from 'molstar/lib/mol-io/reader/xtc/parser.js';
import { parseTrr } from 'molstar/lib/mol-io/reader/trr/parser.js';
import { parseGRO } from 'molstar/lib/mol-io/reader/gro/parser.js';
import { NetcdfReader } from 'molstar/lib/mol-io/common/netcdf/reader.js';
import { ownedCopy } from './source.js';

export interface DecodedFrame {
  coords: Float32Array;
  box?: Float64Array;
}

function interleave(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  z: ArrayLike<number>,
  n: number,
  factor: number,
): Float32Array {
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = x[i] * factor;
    out[3 * i + 1] = y[i] * factor;
    out[3 * i + 2] = z[i] * factor;
  }
  return out;
}

type XdrFile = {
  frames: { count: number; x: Float32Array; y: Float32Array; z: Float32Array }[];
  boxes: ArrayLike<number>[];
};

function fromXdr(file: XdrFile, expected: number): DecodedFrame[] {
  if (file.frames.length !== expected)
    throw new Error(`decoded ${file.frames.length} frames, expected ${expected}`);
  return file.frames.map((f, k) => ({
    coords: interleave(f.x, f.y, f.z, f.count, 0.1),
    box: file.boxes[k] ? Float64Array.from(file.boxes[k], (v) => v * 0.1) : undefined,
  }));
}

/** Decodes `expected` whole XTC frames laid end to end (framing and checks happen in readers/xtc.ts). */
export async function decodeXtcFrames(bytes: Uint8Array, expected: number): Promise<DecodedFrame[]> {
  const result = await parseXtc(ownedCopy(bytes)).run();
  if (result.isError) throw new Error(result.message);
  return fromXdr(result.result, expected);
}

/** Decodes `expected` whole TRR frames, each with coordinates (readers/trr.ts drops frames without). */
export async function decodeTrrFrames(bytes: Uint8Array, expected: number): Promise<DecodedFrame[]> {
  const result = await parseTrr(ownedCopy(bytes)).run();
  if (result.isError) throw new Error(result.message);
  return fromXdr(result.result, expected);
}

export interface NetcdfVariableLayout {
  offset: number;
  type: string;
  size: number;
  record: boolean;
}

export interface NetcdfLayout {
  /** Size of the `atom` dimension (-1 when absent). */
  atoms: number;
  /** Records (frames) the header declares; 0xffffffff when written in streaming mode. */
  numrecs: number;
  /** Bytes from one record to the next (all record variables, padded). */
  recordStep: number;
  variables: Record<string, NetcdfVariableLayout>;
}

/**
 * Parses the NetCDF (CDF-1/CDF-2) header with molstar's NetcdfReader; the record data is read by
 * readers/netcdf.ts range by range, because molstar's getDataVariable needs the whole file in one
 * ArrayBuffer and returns JS number arrays (twice the file size again).
 */
export function netcdfLayout(headerBytes: Uint8Array): NetcdfLayout {
  const nc = new NetcdfReader(ownedCopy(headerBytes).buffer);
  const dims = (nc.dimensions ?? []) as { name: string; size: number }[];
  const variables: Record<string, NetcdfVariableLayout> = {};
  for (const v of nc.variables ?? [])
    variables[v.name] = { offset: v.offset, type: v.type, size: v.size, record: v.record };
  return {
    atoms: dims.find((d) => d.name === 'atom')?.size ?? -1,
    numrecs: nc.recordDimension?.length ?? 0,
    recordStep: nc.recordDimension?.recordStep ?? 0,
    variables,
  };
}

export interface GroStructure {
  atoms: number;
  coords: Float32Array;
  names: string[];
}

/** Parses GRO text whose frames readers/gro.ts has already checked (counts, complete lines). */
interface MolstarColumn<T> {
  value(row: number): T;
}
interface MolstarGroStructure {
  atoms: {
    count: number;
    x: MolstarColumn<number>;
    y: MolstarColumn<number>;
    z: MolstarColumn<number>;
    atomName: MolstarColumn<string>;
  };
}

export async function parseGroText(text: string): Promise<GroStructure[]> {
  const result = await parseGRO(text).run();
  if (result.isError) throw new Error(result.message);
  // molstar's gro/parser.d.ts imports a schema file it does not ship, so its result type is lost.
  const structures = (result.result as { structures: MolstarGroStructure[] }).structures;
  return structures.map((s) => {
    const n = s.atoms.count;
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    const z = new Float32Array(n);
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      x[i] = s.atoms.x.value(i);
      y[i] = s.atoms.y.value(i);
      z[i] = s.atoms.z.value(i);
      names.push(s.atoms.atomName.value(i).trim());
    }
    return { atoms: n, coords: interleave(x, y, z, n, 1), names };
  });
}
