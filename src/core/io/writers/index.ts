export { writeXyz, type StructureWriteOptions } from './xyz.js';
export { writePdb } from './pdb.js';
export { encodeNpy, decodeNpy, type NpyArray, NpyFormatError } from './npy.js';
export { writePlumedFes, parsePlumedGrid, type PlumedFesOptions, type PlumedGrid } from './plumed.js';
export { writeCsv, parseCsv, type CsvColumn, type ParsedCsv } from './csv.js';
export { writeSvgPlot, type PlotSeries, type PlotSpec } from './svg.js';
