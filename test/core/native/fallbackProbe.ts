/**
 * Run by kernels.test.ts in a child process (with BGW_NATIVE=0 or not): a small flow's forward
 * pass and loss gradient on fixed inputs, printed as JSON so two engines can be compared.
 */
import { initBackend, nativeKernelStatus, tf } from '../../../src/core/backend.js';
import { createFlow } from '../../../src/core/flows/flow.js';
import { Rng } from '../../../src/core/random.js';

async function main(): Promise<void> {
  await initBackend('wasm');
  const rng = new Rng(5);
  const dim = 12;
  const flow = createFlow({ blocks: ['R', 'R', 'R'], hidden: [32, 32], activation: 'tanh' }, dim, rng);
  // Non-zero output layers, so the flow is not the identity.
  for (const { variable } of flow.variables())
    variable.assign(tf.tensor(rng.normals(variable.size, 0.2), variable.shape));
  const z = tf.tensor2d(rng.normals(64 * dim, 1), [64, dim]);
  const out = flow.forward(z);
  const { grads, value } = tf.variableGrads(
    () => tf.mean(tf.add(tf.sum(tf.square(flow.forward(z).y), 1), flow.forward(z).logDetJ)) as tf.Scalar,
    flow.variables().map((v) => v.variable),
  );
  const gradient = Object.values(grads).flatMap((g) => Array.from(g.dataSync()));
  process.stdout.write(
    JSON.stringify({
      native: nativeKernelStatus().active,
      y: Array.from(out.y.dataSync()),
      logDetJ: Array.from(out.logDetJ.dataSync()),
      loss: value.dataSync()[0],
      gradient,
    }),
  );
}

void main();
