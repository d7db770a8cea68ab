/**
 * Adapter from an import job to core's trajectory importer: the system decides the target shape
 * (particles in 2D; the dimer's solvent may be relabelled against its initial grid).
 */
import { importTrajectory } from '../../core/io/import.js';
import { solventOf } from '../../core/sampling/relabel.js';
import { bytesSource, type ByteSource } from '../../core/io/source.js';
import { createSystem } from '../../core/systems/catalog.js';
import type { EnergySystem } from '../../core/systems/types.js';
import { fileSource } from '../io/fileSource.js';
import type { JobRequest } from './protocol.js';

export interface ImportedDataset {
  x: Float32Array;
  frames: number;
  dim: number;
  provenance: Record<string, unknown>;
  warnings: string[];
}

function targetOf(system: EnergySystem) {
  const particles = system.layout ? system.layout.particles : system.dim / 2;
  const solvent = solventOf(system);
  const identical = solvent.length > 1 ? solvent : undefined;
  return {
    dim: system.dim,
    particles,
    spatialDims: 2,
    reference: system.initialConfigurations()[0],
    identical,
  };
}

export async function importDataset(
  req: Extract<JobRequest, { kind: 'import' }>,
  signal: AbortSignal,
  progress: (fraction: number, message: string) => void,
): Promise<ImportedDataset> {
  const system = createSystem({ id: req.options.systemId });
  let source: ByteSource;
  let close = async (): Promise<void> => {};
  if (req.path) {
    const f = await fileSource(req.path);
    source = f;
    close = () => f.close();
  } else if (req.bytes) {
    source = bytesSource(req.fileName, req.bytes);
  } else {
    throw new Error('import needs a path or the file contents');
  }
  try {
    const r = await importTrajectory(source, targetOf(system), req.options, { signal, onProgress: progress });
    return {
      x: r.frames,
      frames: r.nFrames,
      dim: system.dim,
      provenance: { ...r.provenance, systemId: system.id },
      warnings: r.warnings,
    };
  } finally {
    await close();
  }
}
