import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../src/core/backend.js';
import { createFlow } from '../../../src/core/flows/index.js';
import { Rng } from '../../../src/core/random.js';
import { createSystem } from '../../../src/core/systems/catalog.js';
import { createEnergyOp, energyOp, linLogCut } from '../../../src/core/systems/tfEnergy.js';
import { klLoss } from '../../../src/core/training/losses.js';
import { rcTensor } from '../../../src/core/training/rc.js';
import { dimerInitialConfiguration } from '../../../src/core/systems/dimer.js';

beforeAll(async () => {
  await initBackend();
});

describe('energyOp', () => {
  it('values are the system energy and the gradient is −forces·dy (dimer, 76 dims)', () => {
    const system = createSystem({ id: 'dimer', preset: 'fig3' });
    const x0 = dimerInitialConfiguration(1.6, 3);
    const rng = new Rng(5);
    const n = 3;
    const x = new Float32Array(n * 76);
    for (let i = 0; i < n; i++) for (let k = 0; k < 76; k++) x[i * 76 + k] = x0[k] + 0.01 * rng.normal();
    const { energy, forces } = system.energyAndForces(x, n);
    const dy = tf.tensor1d([1, -2, 0.5]);
    const op = energyOp(system);
    const [u, g] = tf.tidy(() => {
      const xt = tf.tensor2d(x, [n, 76]);
      const grad = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(op(xx as tf.Tensor2D), dy)))(xt);
      return [op(xt).dataSync(), grad.dataSync()];
    });
    for (let i = 0; i < n; i++) expect(u[i]).toBeCloseTo(energy[i], 0);
    const scale = [1, -2, 0.5];
    for (let i = 0; i < n * 76; i++) {
      expect(g[i]).toBeCloseTo(-forces[i] * scale[Math.floor(i / 76)], 1);
    }
  });

  it('lin-log cut: identity below high, log above, capped with zero slope', () => {
    const cut = { highEnergy: 10, maxEnergy: 12 };
    expect(linLogCut(5, cut)).toEqual([5, 1]);
    const [v, s] = linLogCut(10 + Math.E - 1, cut);
    expect(v).toBeCloseTo(11, 12);
    expect(s).toBeCloseTo(1 / Math.E, 12);
    // The paper's linlogcut caps u at maxEnergy before the log; infinities and NaN stay finite.
    const capped = 10 + Math.log1p(2);
    expect(linLogCut(1e9, cut)).toEqual([capped, 0]);
    expect(linLogCut(Infinity, cut)).toEqual([capped, 0]);
    expect(linLogCut(NaN, cut)).toEqual([capped, 0]);
    const { op, lastEnergy } = createEnergyOp(createSystem({ id: 'double-well' }), {
      highEnergy: 10,
      maxEnergy: 100,
    });
    const u = tf.tidy(() =>
      op(
        tf.tensor2d([
          [0, 0],
          [3, 0],
          [10, 0],
        ]),
      ).dataSync(),
    );
    expect(Array.from(u)).toEqual([
      0,
      Math.fround(10 + Math.log1p(30 - 10)),
      Math.fround(10 + Math.log1p(90)),
    ]);
    expect(Array.from(lastEnergy()!)).toEqual([0, 30, 10 ** 4 - 600 + 10]);
  });
});

describe('KL loss', () => {
  it('gradient through the flow and energyOp matches finite differences', () => {
    const system = createSystem({ id: 'double-well' });
    const rng = new Rng(6);
    const flow = createFlow({ blocks: ['R', 'R', 'R'], hidden: [8], activation: 'tanh' }, 2, rng);
    for (const { variable } of flow.variables()) {
      tf.tidy(() =>
        variable.assign(tf.add(variable, tf.tensor(rng.normals(variable.size, 0.2), variable.shape))),
      );
    }
    const z = tf.tensor2d(rng.normals(64 * 2), [64, 2]);
    const invT = tf.fill([64], 1) as tf.Tensor1D;
    const op = energyOp(system);
    const loss = (): tf.Scalar => klLoss(flow, op, z, invT).loss;
    const vars = flow.variables().map((v) => v.variable);
    const { grads } = tf.variableGrads(loss, vars);
    const h = 5e-3;
    let checked = 0;
    for (const [vi, k] of [
      [0, 3],
      [1, 2],
      [4, 0],
      [6, 5],
      [9, 1],
    ]) {
      const v = vars[vi];
      if (k >= v.size) continue;
      const base = v.dataSync().slice();
      const at = (delta: number): number => {
        const p = base.slice();
        p[k] += delta;
        tf.tidy(() => v.assign(tf.tensor(p, v.shape)));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
      const analytic = grads[v.name].dataSync()[k];
      expect(Math.abs(analytic - numeric)).toBeLessThan(0.02 * Math.max(1, Math.abs(numeric)));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    flow.dispose();
  });
});

describe('rcTensor', () => {
  it('matches each system reaction coordinate', () => {
    for (const id of ['double-well', 'mueller-brown', 'dimer']) {
      const system = createSystem({ id });
      const rng = new Rng(7);
      const n = 5;
      const x = rng.normals(n * system.dim);
      const ref = system.reactionCoordinate.compute(x, n);
      const rc = rcTensor(system);
      const got = tf.tidy(() => rc(tf.tensor2d(x, [n, system.dim])).dataSync());
      rc.dispose();
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(ref[i], 5);
    }
  });
});
