import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend.js';
import { createFlow } from '../../../src/core/flows/flow.js';
import { Rng } from '../../../src/core/random.js';
import { latentDensityGradient } from '../../../src/core/sampling/latentGradient.js';
import { createSystem } from '../../../src/core/systems/catalog.js';
import { createEnergyOp } from '../../../src/core/systems/tfEnergy.js';
import { tf } from '../../../src/core/backend.js';

beforeAll(async () => {
  await initBackend();
});

describe('latent density gradient', () => {
  it('matches finite differences of −u(F(z))/τ + log|det J| through a non-trivial flow', () => {
    const mb = createSystem({ id: 'mueller-brown' });
    const flow = createFlow({ blocks: ['R', 'R', 'R'], hidden: [16], activation: 'tanh' }, 2, new Rng(1));
    // Trained-looking weights: the fresh flow is the identity, whose gradient would test little.
    const rng = new Rng(2);
    for (const { variable } of flow.variables()) {
      variable.assign(tf.tensor(rng.normals(variable.size, 0.4), variable.shape));
    }
    const tau = 1.5;
    const n = 5;
    const z = rng.normals(n * 2, 0.5);
    const logP = (zs: Float32Array): Float64Array => {
      const { y, logDetJ } = flow.mapValues('forward', zs, n);
      const u = mb.energy(y, n);
      return Float64Array.from(u, (v, i) => -v / tau + logDetJ[i]);
    };
    const point = latentDensityGradient(flow, createEnergyOp(mb), tau, z, n);
    const base = logP(z);
    for (let i = 0; i < n; i++)
      expect(point.energy[i] * (-1 / tau) + point.logDetJ[i]).toBeCloseTo(base[i], 3);
    const h = 1e-2;
    for (let c = 0; c < 2; c++) {
      const up = Float32Array.from(z);
      const down = Float32Array.from(z);
      for (let i = 0; i < n; i++) {
        up[i * 2 + c] += h;
        down[i * 2 + c] -= h;
      }
      const fu = logP(up);
      const fd = logP(down);
      for (let i = 0; i < n; i++) {
        const numeric = (fu[i] - fd[i]) / (2 * h);
        expect(Math.abs(point.grad[i * 2 + c] - numeric)).toBeLessThan(0.02 * Math.max(1, Math.abs(numeric)));
      }
    }
    flow.dispose();
  });
});
