/** Download file names and MIME types for exported content. */
import type { ExportFormat } from './types.js';
import { EXPORT_EXTENSION } from '../../../shared/exportFormats.js';

const MIME: Record<ExportFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  plumed: 'text/plain',
  npy: 'application/octet-stream',
  xyz: 'chemical/x-xyz',
  pdb: 'chemical/x-pdb',
  svg: 'image/svg+xml',
};

/** PLUMED's convention is fes.dat; others are named after what was exported. */
export function downloadName(what: string, format: ExportFormat, path?: string): string {
  if (path) {
    const base = path.split(/[\\/]/).pop();
    if (base) return base;
  }
  if (format === 'plumed') return 'fes.dat';
  return `${what}.${EXPORT_EXTENSION[format]}`;
}

export function mimeType(format: ExportFormat): string {
  return MIME[format];
}

/** Formats that make sense for each kind of export. */
export const FORMATS_FOR: Record<'profile' | 'histogram' | 'samples' | 'dataset', ExportFormat[]> = {
  profile: ['plumed', 'csv', 'json', 'npy', 'svg'],
  histogram: ['csv', 'json', 'svg'],
  samples: ['xyz', 'pdb', 'npy', 'csv'],
  dataset: ['xyz', 'pdb', 'npy'],
};

/** The back end answers a bare file name when it wrote nothing (browser mode, no path given). */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}
