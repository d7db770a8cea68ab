import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bytesSource, type ByteSource } from '../../src/core/io/source.js';
import { openTrajectory, type OpenOptions } from '../../src/core/io/open.js';
import type { TrajectoryFrame, TrajectoryReader } from '../../src/core/io/types.js';

/** The shared real-world files (never copied into the repository). */
export const TRAJ_DIR = fileURLToPath(new URL('../../../shared/trajectories/', import.meta.url));

export interface GroundTruthFile {
  file: string;
  bytes: number;
  note: string;
  mdtraj: Record<string, unknown> & { error?: string };
  independent?: Record<string, unknown>;
  mdtraj_complete_frames?: Record<string, unknown>;
}

export function groundTruth(): GroundTruthFile[] {
  return (JSON.parse(readFileSync(TRAJ_DIR + 'ground_truth.json', 'utf8')) as { files: GroundTruthFile[] })
    .files;
}

export function trajectoryFiles(): string[] {
  return readdirSync(TRAJ_DIR, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name !== 'README.md' && d.name !== 'ground_truth.json')
    .map((d) => `${d.parentPath.slice(TRAJ_DIR.length).replace(/\/$/, '')}/${d.name}`.replace(/^\//, ''));
}

export function fileBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(TRAJ_DIR + rel));
}

export function sourceOf(rel: string): ByteSource {
  return bytesSource(rel.split('/').pop() ?? rel, fileBytes(rel));
}

export async function readAllFrames(
  source: ByteSource,
  options?: OpenOptions,
): Promise<{ reader: TrajectoryReader; frames: TrajectoryFrame[] }> {
  const reader = await openTrajectory(source, options);
  const frames: TrajectoryFrame[] = [];
  for await (const f of reader.frames()) frames.push(f);
  return { reader, frames };
}

export function first3(coords: Float32Array): number[][] {
  const n = Math.min(3, coords.length / 3);
  return Array.from({ length: n }, (_, i) => [coords[3 * i], coords[3 * i + 1], coords[3 * i + 2]]);
}
