/** Adapter from an import job request to core's trajectory importer (filled in when it lands). */
import type { JobRequest } from './protocol.js';

export interface ImportedDataset {
  x: Float32Array;
  frames: number;
  dim: number;
  provenance: Record<string, unknown>;
  warnings: string[];
}

export async function importDataset(
  req: Extract<JobRequest, { kind: 'import' }>,
  _signal: AbortSignal,
  _progress: (fraction: number, message: string) => void,
): Promise<ImportedDataset> {
  throw new Error(`trajectory import is not available yet (${req.fileName})`);
}
