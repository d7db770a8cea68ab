import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/core/backend.js';
import { createFlow, deserializeFlow, serializeFlow } from '../../../src/core/flows/index.js';
import { Rng } from '../../../src/core/random.js';

beforeAll(async () => {
  await initBackend();
});

const spec = (sharedTrunk: boolean) => ({
  blocks: ['R', 'R', 'R', 'R'] as 'R'[],
  hidden: [32, 32],
  activation: 'tanh' as const,
  sharedTrunk,
});

const size = (flow: ReturnType<typeof createFlow>) =>
  flow.variables().reduce((n, v) => n + v.variable.size, 0);

describe('shared S/T trunk', () => {
  it('has about half the parameters, starts as the identity and trains every weight', () => {
    const dim = 10;
    const shared = createFlow(spec(true), dim, new Rng(1));
    const separate = createFlow(spec(false), dim, new Rng(1));
    // Per block: 5→32→32→10 (shared) against two 5→32→32→5 networks.
    expect(size(shared)).toBe(4 * (5 * 32 + 32 + 32 * 32 + 32 + 32 * 10 + 10));
    expect(size(separate)).toBe(4 * 2 * (5 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5));
    const z = tf.tensor2d(new Rng(2).normals(64 * dim), [64, dim]);
    const out = shared.forward(z);
    expect(tf.max(tf.abs(tf.sub(out.y, z))).dataSync()[0]).toBe(0);
    const { grads } = tf.variableGrads(
      () =>
        tf.mean(tf.add(tf.sum(tf.square(shared.forward(z).y), 1), shared.forward(z).logDetJ)) as tf.Scalar,
      shared.variables().map((v) => v.variable),
    );
    // The output layer starts at zero, so only it gets a gradient at step 0; it must reach both halves.
    const last = shared.variables().filter((v) => /\.ST\.w2$/.test(v.name));
    expect(last).toHaveLength(4);
    for (const { variable } of last) {
      const g = grads[variable.name].arraySync() as number[][];
      const half = g[0].length / 2;
      const norm = (cols: number[]) => Math.hypot(...g.flatMap((row) => cols.map((c) => row[c])));
      expect(norm([...Array(half).keys()])).toBeGreaterThan(0); // scale half
      expect(norm([...Array(half).keys()].map((c) => c + half))).toBeGreaterThan(0); // shift half
    }
    shared.dispose();
    separate.dispose();
  });

  it('round-trips its weights and refuses to load them into two-network blocks', () => {
    const a = createFlow(spec(true), 6, new Rng(3));
    for (const { variable } of a.variables()) variable.assign(tf.randomNormal(variable.shape, 0, 0.2));
    const bytes = serializeFlow(a);
    const b = createFlow(spec(true), 6, new Rng(4));
    deserializeFlow(b, bytes);
    const z = tf.tensor2d(new Rng(5).normals(8 * 6), [8, 6]);
    expect(Array.from(b.forward(z).y.dataSync())).toEqual(Array.from(a.forward(z).y.dataSync()));
    const c = createFlow(spec(false), 6, new Rng(4));
    expect(() => deserializeFlow(c, bytes)).toThrow(/shared S\/T trunk/);
    [a, b, c].forEach((f) => f.dispose());
  });
});
