/**
 * runs.latentMap: how the trained flow bends space, for 2D systems. A grid of lines in one space is
 * pushed through the flow into the other (forward: latent z → F_zx → x; inverse: x → F_xz → z),
 * with the run's training data and a sample set mapped alongside. In-process: a 21×101 grid is a
 * few thousand points through a small network, far cheaper than a worker round trip.
 */
import type { z } from 'zod';
import type { Flow } from '../../core/flows/flow.js';
import { Rng } from '../../core/random.js';
import { simulateTrainingData } from '../../core/run/trainingData.js';
import type { EnergySystem } from '../../core/systems/types.js';
import type { LatentMap, LatentMapRequest } from '../../shared/contract.js';
import type { RunSpec } from '../../shared/runspec.js';
import type { Store } from '../store/store.js';
import type { ServiceContext } from './context.js';
import { requireStore } from './context.js';
import { notFound, ServiceError } from './errors.js';
import { datasetFor } from './runs.js';
import { systemFrom } from './systems.js';
import type { ServiceTable } from './types.js';

type Request = z.output<typeof LatentMapRequest>;
type Result = z.output<typeof LatentMap>;
type Point = [number, number];
type Box = [Point, Point];
export type MapDirection = Request['direction'];

/**
 * The run's flow with its latest checkpoint's weights, via core's own checkpoint loader (the one
 * sampling and fine-tuning use). Loaded lazily: it pulls in TensorFlow.js. initBackend is
 * idempotent and per thread, so worker jobs keep their own backend untouched.
 */
export async function loadRunFlow(store: Store, runId: string): Promise<{ flow: Flow; spec: RunSpec }> {
  const run = store.runs.get(runId);
  if (!run) throw notFound('run', runId);
  const c = store.runs.checkpoint(runId);
  if (!c?.bytes) throw new ServiceError('invalid_request', `run ${runId} has no checkpoint to map with`);
  const [{ initBackend }, { Flow }, { loadWeights, storedArchitecture }] = await Promise.all([
    import('../../core/backend.js'),
    import('../../core/flows/flow.js'),
    import('../../core/run/checkpoint.js'),
  ]);
  await initBackend();
  // The seed only initialises weights that loadWeights overwrites at once.
  const flow = new Flow(storedArchitecture(c.bytes), new Rng(0));
  try {
    loadWeights(flow, c.bytes);
  } catch (e) {
    flow.dispose();
    throw e;
  }
  return { flow, spec: run.spec };
}

/** Flat row-major 2D points through F_zx (forward) or F_xz (inverse). */
export async function mapPoints(
  flow: Flow,
  xy: Float32Array,
  direction: MapDirection,
): Promise<Float32Array> {
  const { tf } = await import('../../core/backend.js');
  const input = tf.tensor2d(xy, [xy.length / 2, 2]);
  try {
    const out = direction === 'forward' ? flow.forward(input) : flow.inverse(input);
    const y = (await out.y.data()) as Float32Array;
    out.y.dispose();
    out.logDetJ.dispose();
    return y;
  } finally {
    input.dispose();
  }
}

/** `lines` lines per axis across `box`, `points` points each, flat: line-major. */
export function gridLines(
  box: Box,
  lines: number,
  points: number,
): { xy: Float32Array; meta: { axis: 0 | 1; value: number }[] } {
  const at = (r: Point, i: number, n: number): number => r[0] + ((r[1] - r[0]) * i) / (n - 1);
  const xy = new Float32Array(2 * lines * points * 2);
  const meta: { axis: 0 | 1; value: number }[] = [];
  let k = 0;
  for (const axis of [0, 1] as const) {
    const other = axis === 0 ? 1 : 0;
    for (let l = 0; l < lines; l++) {
      const value = at(box[axis], l, lines);
      meta.push({ axis, value });
      for (let p = 0; p < points; p++) {
        xy[k + axis] = value;
        xy[k + other] = at(box[other], p, points);
        k += 2;
      }
    }
  }
  return { xy, meta };
}

/** Finite points only: a diverging coupling layer must not break the contract (NaN/∞ are not JSON). */
function toPoints(xy: Float32Array, from = 0, to = xy.length / 2): Point[] {
  const out: Point[] = [];
  for (let i = from; i < to; i++) {
    const a = xy[2 * i];
    const b = xy[2 * i + 1];
    if (Number.isFinite(a) && Number.isFinite(b)) out.push([a, b]);
  }
  return out;
}

/** Bounding box of finite points, padded by `pad` of its size. */
function boundsOf(xy: Float32Array, pad: number): Box {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const [a, b] of toPoints(xy)) {
    x0 = Math.min(x0, a);
    x1 = Math.max(x1, a);
    y0 = Math.min(y0, b);
    y1 = Math.max(y1, b);
  }
  if (!(x1 > x0) || !(y1 > y0))
    throw new ServiceError('invalid_request', 'the flow maps the grid to a point');
  const px = pad * (x1 - x0);
  const py = pad * (y1 - y0);
  return [
    [x0 - px, x1 + px],
    [y0 - py, y1 + py],
  ];
}

/** The first `max` frames of a flat 2D batch, evenly strided. */
function thin(x: ArrayLike<number>, max: number): Float32Array {
  const n = x.length / 2;
  const m = Math.min(n, max);
  const out = new Float32Array(2 * m);
  for (let i = 0; i < m; i++) {
    const j = Math.floor((i * n) / m);
    out[2 * i] = x[2 * j];
    out[2 * i + 1] = x[2 * j + 1];
  }
  return out;
}

/**
 * The run's training data: its dataset, or for Metropolis data the run's own chains regenerated
 * (the job does not store them), cut after about `max` frames.
 */
function trainingFrames(store: Store, spec: RunSpec, system: EnergySystem, max: number): Float32Array {
  if (max === 0) return new Float32Array(0);
  if (spec.data.source === 'dataset') return thin(datasetFor(store, spec) ?? [], max);
  const starts = spec.data.starts?.length ?? system.initialConfigurations().length;
  const samplesPerStart = Math.min(spec.data.samplesPerStart, Math.ceil(max / starts));
  return thin(simulateTrainingData(spec, system, { samplesPerStart }), max);
}

export async function latentMap(ctx: ServiceContext, req: Request): Promise<Result> {
  const store = requireStore(ctx);
  const run = store.runs.get(req.runId);
  if (!run) throw notFound('run', req.runId);
  const system = systemFrom(run.spec.system.id, run.spec.system.params);
  if (system.dim !== 2) {
    throw new ServiceError(
      'invalid_request',
      `The learned map is drawn for 2D systems only; "${system.id}" has ${system.dim} dimensions`,
    );
  }
  const samplesX = (() => {
    if (!req.sampleSetId) return new Float32Array(0);
    const s = store.samples.get(req.sampleSetId);
    if (!s) throw notFound('sample set', req.sampleSetId);
    if (s.runId !== req.runId)
      throw new ServiceError('invalid_request', `sample set ${s.id} belongs to run ${s.runId}`);
    return thin(s.x, req.maxPoints);
  })();
  const dataX = trainingFrames(store, run.spec, system, req.maxPoints);

  const { flow } = await loadRunFlow(store, req.runId);
  try {
    const e = req.extent;
    const latentBox: Box = [
      [-e, e],
      [-e, e],
    ];
    let gridRange = latentBox;
    if (req.direction === 'inverse') {
      // Default box: where the generator puts the latent square (±extent σ), a little padded.
      gridRange =
        req.range ??
        boundsOf(
          await mapPoints(flow, gridLines(latentBox, req.lines, req.pointsPerLine).xy, 'forward'),
          0.05,
        );
    }
    const grid = gridLines(gridRange, req.lines, req.pointsPerLine);
    const mapped = await mapPoints(flow, grid.xy, req.direction);
    const lines = grid.meta.map((m, l) => ({
      ...m,
      points: toPoints(mapped, l * req.pointsPerLine, (l + 1) * req.pointsPerLine),
    }));
    // Overlays live in configuration space already; the inverse view pulls them through F_xz.
    const place = async (x: Float32Array): Promise<Point[]> =>
      x.length === 0 ? [] : toPoints(req.direction === 'inverse' ? await mapPoints(flow, x, 'inverse') : x);
    const unit = system.reactionCoordinate.unit;
    return {
      direction: req.direction,
      space: req.direction === 'forward' ? 'configuration' : 'latent',
      axes:
        req.direction === 'forward' ? [`x₁ (${unit})`, `x₂ (${unit})`] : ['z₁ (latent, σ)', 'z₂ (latent, σ)'],
      lines,
      gridRange,
      data: await place(dataX),
      samples: await place(samplesX),
    };
  } finally {
    flow.dispose();
  }
}

export function latentMapServices(ctx: ServiceContext): Pick<ServiceTable, 'runs.latentMap'> {
  return { 'runs.latentMap': (req) => latentMap(ctx, req) };
}
