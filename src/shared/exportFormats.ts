/**
 * Export formats and their file extensions, in a module without zod so the renderer can use it
 * without pulling the validation library into its bundle.
 */
export const EXPORT_FORMATS = ['csv', 'json', 'plumed', 'npy', 'xyz', 'pdb', 'svg'] as const;

export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

/** File extension of each export format (PLUMED grids are conventionally fes.dat). */
export const EXPORT_EXTENSION: Record<ExportFormatName, string> = {
  csv: 'csv',
  json: 'json',
  plumed: 'dat',
  npy: 'npy',
  xyz: 'xyz',
  pdb: 'pdb',
  svg: 'svg',
};
