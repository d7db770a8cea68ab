/**
 * export.write: profiles (csv|json|plumed|npy), rc histograms (csv|json|npy), sample sets and
 * datasets (xyz|pdb|npy|csv|json). Every export is recorded in the project history. Without a
 * path (browser) the content comes back for download.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { weightedHistogram } from '../../core/analysis/histogram.js';
import {
  encodeNpy,
  writeCsv,
  writePdb,
  writePlumedFes,
  writeSvgPlot,
  writeXyz,
} from '../../core/io/writers/index.js';
import type { EnergySystem } from '../../core/systems/types.js';
import type { ProfileBin } from '../../shared/runspec.js';
import { EXPORT_EXTENSION, type ExportFormatName } from '../../shared/exportFormats.js';
import type { Store } from '../store/store.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { notFound, ServiceError } from './errors.js';
import { systemFrom } from './systems.js';
import type { ServiceTable } from './types.js';

type What = 'profile' | 'histogram' | 'samples' | 'dataset';
type Format = ExportFormatName;

interface Rendered {
  content: string | Uint8Array;
  fileName: string;
}

function unsupported(what: What, format: Format, allowed: Format[]): ServiceError {
  return new ServiceError(
    'invalid_request',
    `cannot export ${what} as ${format}; formats: ${allowed.join(', ')}`,
  );
}

/**
 * A PLUMED grid has every point: bins the profile dropped (no weight) come back with F = +∞, so
 * the grid stays uniform.
 */
function fullGrid(p: ProfileBin[], params: Record<string, unknown>): ProfileBin[] {
  const bins = typeof params.bins === 'number' ? params.bins : 0;
  const range = Array.isArray(params.range) ? (params.range as [number, number]) : null;
  if (!bins || !range) return p;
  const w = (range[1] - range[0]) / bins;
  const out: ProfileBin[] = Array.from({ length: bins }, (_, k) => ({
    rc: range[0] + (k + 0.5) * w,
    F: Infinity,
    error: Infinity,
  }));
  for (const b of p) {
    const k = Math.round((b.rc - range[0]) / w - 0.5);
    if (k >= 0 && k < bins) out[k] = { rc: out[k].rc, F: b.F, error: b.error };
  }
  return out;
}

function profileExport(store: Store, id: string, format: Format): Rendered {
  const a = store.analyses.get<{
    profile: ProfileBin[];
    deltaF: { value: number; error: number };
    ess: number;
  }>(id);
  if (!a) throw notFound('analysis', id);
  const run = a.runId ? store.runs.get(a.runId) : undefined;
  // Umbrella analyses have no run: their parameters name the system.
  const own = a.params as { systemId?: unknown; systemParams?: Record<string, number> };
  const system = run
    ? systemFrom(run.spec.system.id, run.spec.system.params)
    : typeof own.systemId === 'string'
      ? systemFrom(own.systemId, own.systemParams ?? {})
      : undefined;
  const rcName = system?.reactionCoordinate.id ?? 'rc';
  const unit = system?.reactionCoordinate.unit ?? 'reduced';
  const p = a.result.profile;
  const T = a.temperature ?? 1;
  const fileName = `fes-${id}.${EXPORT_EXTENSION[format]}`;
  switch (format) {
    case 'csv':
      return {
        fileName,
        content: writeCsv([
          { name: rcName, unit, values: p.map((b) => b.rc) },
          { name: 'F', unit: 'kT0', values: p.map((b) => b.F) },
          { name: 'error', unit: 'kT0', values: p.map((b) => b.error) },
        ]),
      };
    case 'json':
      return {
        fileName,
        content: JSON.stringify(
          { analysisId: id, temperature: T, reactionCoordinate: rcName, unit, ...a.result },
          null,
          2,
        ),
      };
    case 'plumed':
      return { fileName, content: writePlumedFes(fullGrid(p, a.params), { rcName, temperature: T, unit }) };
    case 'npy': {
      const data = new Float64Array(p.length * 3);
      p.forEach((b, i) => data.set([b.rc, b.F, b.error], 3 * i));
      return { fileName, content: encodeNpy(data, [p.length, 3]) };
    }
    case 'svg':
      return {
        fileName,
        content: writeSvgPlot({
          title: `Free-energy profile at τ = ${T} (${id})`,
          xLabel: `${system?.reactionCoordinate.label ?? rcName} (${unit})`,
          yLabel: 'F (kT₀)',
          series: [
            {
              label: `F, τ = ${T}`,
              x: p.map((b) => b.rc),
              y: p.map((b) => b.F),
              error: p.map((b) => b.error),
            },
          ],
        }),
      };
    default:
      throw unsupported('profile', format, ['csv', 'json', 'plumed', 'npy', 'svg']);
  }
}

function histogramExport(store: Store, id: string, format: Format): Rendered {
  let rc: Float64Array;
  let logW: Float64Array | null = null;
  let system: EnergySystem;
  const s = store.samples.get(id);
  if (s) {
    const run = store.runs.get(s.runId)!;
    system = systemFrom(run.spec.system.id, run.spec.system.params);
    rc = system.reactionCoordinate.compute(s.x, s.n);
    logW = s.logWeights;
  } else {
    const d = store.datasets.get(id);
    if (!d) throw notFound('sample set or dataset', id);
    system = systemFrom(d.systemId, d.systemParams);
    rc = system.reactionCoordinate.compute(store.datasets.frames(id)!, d.frames);
  }
  const h = weightedHistogram(rc, logW, { bins: 60, range: system.reactionCoordinate.range });
  const name = system.reactionCoordinate.id;
  const fileName = `histogram-${id}.${EXPORT_EXTENSION[format]}`;
  switch (format) {
    case 'csv':
      return {
        fileName,
        content: writeCsv([
          { name, unit: system.reactionCoordinate.unit, values: h.centers },
          { name: 'weight', values: h.weights },
          { name: 'count', values: h.counts },
        ]),
      };
    case 'json':
      return {
        fileName,
        content: JSON.stringify(
          {
            id,
            reactionCoordinate: name,
            edges: Array.from(h.edges),
            weights: Array.from(h.weights),
            counts: Array.from(h.counts),
          },
          null,
          2,
        ),
      };
    case 'npy': {
      const data = new Float64Array(h.centers.length * 3);
      for (let k = 0; k < h.centers.length; k++) data.set([h.centers[k], h.weights[k], h.counts[k]], 3 * k);
      return { fileName, content: encodeNpy(data, [h.centers.length, 3]) };
    }
    case 'svg': {
      const total = h.weights.reduce((a, b) => a + b, 0) || 1;
      return {
        fileName,
        content: writeSvgPlot({
          title: `${logW ? 'Reweighted histogram' : 'Histogram'} of ${system.reactionCoordinate.label} (${id})`,
          xLabel: `${system.reactionCoordinate.label} (${system.reactionCoordinate.unit})`,
          yLabel: logW ? 'weight (fraction of the reweighted total)' : 'fraction of frames',
          series: [
            {
              label: logW ? 'reweighted' : 'frames',
              x: h.centers,
              y: h.weights.map((w) => w / total),
              kind: 'step',
            },
          ],
        }),
      };
    }
    default:
      throw unsupported('histogram', format, ['csv', 'json', 'npy', 'svg']);
  }
}

function configurationsExport(
  what: 'samples' | 'dataset',
  id: string,
  format: Format,
  x: Float32Array,
  n: number,
  dim: number,
  system: EnergySystem,
  extra: { energy?: Float64Array; logWeights?: Float64Array },
): Rendered {
  const fileName = `${what}-${id}.${EXPORT_EXTENSION[format]}`;
  const layout = system.layout;
  const particles = layout ? layout.particles : dim / 2;
  const structure = { highlighted: layout ? [...layout.highlighted] : [], unit: 'reduced' };
  switch (format) {
    case 'xyz':
      return { fileName, content: writeXyz(x, n, particles, 2, structure) };
    case 'pdb':
      return { fileName, content: writePdb(x, n, particles, 2, structure) };
    case 'npy':
      return { fileName, content: encodeNpy(x, [n, dim]) };
    case 'csv': {
      const cols = [];
      for (let c = 0; c < dim; c++) cols.push({ name: `x${c}`, values: x.filter((_, i) => i % dim === c) });
      if (extra.energy) cols.push({ name: 'energy', unit: 'kT0', values: extra.energy });
      if (extra.logWeights) cols.push({ name: 'logWeight', values: extra.logWeights });
      return { fileName, content: writeCsv(cols) };
    }
    case 'json':
      return {
        fileName,
        content: JSON.stringify({
          id,
          n,
          dim,
          x: Array.from(x),
          energy: extra.energy ? Array.from(extra.energy) : undefined,
          logWeights: extra.logWeights ? Array.from(extra.logWeights) : undefined,
        }),
      };
    default:
      throw unsupported(what, format, ['xyz', 'pdb', 'npy', 'csv', 'json']);
  }
}

export function renderExport(store: Store, what: What, id: string, format: Format): Rendered {
  switch (what) {
    case 'profile':
      return profileExport(store, id, format);
    case 'histogram':
      return histogramExport(store, id, format);
    case 'samples': {
      const s = store.samples.get(id);
      if (!s) throw notFound('sample set', id);
      const run = store.runs.get(s.runId)!;
      return configurationsExport(
        'samples',
        id,
        format,
        s.x,
        s.n,
        s.dim,
        systemFrom(run.spec.system.id, run.spec.system.params),
        {
          energy: s.energy,
          logWeights: s.logWeights,
        },
      );
    }
    case 'dataset': {
      const d = store.datasets.get(id);
      if (!d) throw notFound('dataset', id);
      return configurationsExport(
        'dataset',
        id,
        format,
        store.datasets.frames(id)!,
        d.frames,
        d.dim,
        systemFrom(d.systemId, d.systemParams),
        {},
      );
    }
  }
}

export function exportServices(ctx: ServiceContext): Pick<ServiceTable, 'export.write'> {
  return {
    'export.write': async ({ what, id, format, path }) => {
      const store = requireStore(ctx);
      const r = renderExport(store, what, id, format);
      const bytes =
        typeof r.content === 'string'
          ? Buffer.from(r.content, 'utf8')
          : Buffer.from(r.content.buffer, r.content.byteOffset, r.content.byteLength);
      const encoding = typeof r.content === 'string' ? ('utf8' as const) : ('base64' as const);
      let target = r.fileName;
      if (path) {
        target = resolve(path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
      }
      const e = store.exports.insert({ what, targetId: id, format, path: target, bytes: bytes.byteLength });
      return {
        exportId: e.id,
        path: target,
        encoding,
        ...(path ? {} : { content: encoding === 'utf8' ? bytes.toString('utf8') : bytes.toString('base64') }),
      };
    },
  };
}
