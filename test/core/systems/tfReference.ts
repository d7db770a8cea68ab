/**
 * Tensor-op versions of the three energies with @tensorflow/tfjs (cpu backend), written
 * independently of the hand-written kernels so the tests compare two implementations of the formulas.
 */
import * as tf from '@tensorflow/tfjs';

export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

function run(fn: () => tf.Tensor): Float64Array {
  const t = tf.tidy(fn);
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
}

export function doubleWellTf(x: Float64Array, n: number, p: Record<string, number>): Float64Array {
  return run(() => {
    const X = tf.tensor2d(Float32Array.from(x), [n, 2]);
    const x1 = X.slice([0, 0], [n, 1]).squeeze([1]);
    const x2 = X.slice([0, 1], [n, 1]).squeeze([1]);
    return x1
      .pow(4)
      .mul(p.a4)
      .sub(x1.square().mul(p.a2))
      .add(x1.mul(p.a1))
      .add(x2.square().mul(0.5 * p.k));
  });
}

export function muellerBrownTf(x: Float64Array, n: number, k: number): Float64Array {
  const A = [-200, -100, -170, 15];
  const a = [-1, -1, -6.5, 0.7];
  const b = [0, 0, 11, 0.6];
  const c = [-10, -10, -6.5, 0.7];
  const X0 = [1, 0, -0.5, -1];
  const Y0 = [0, 0.5, 1.5, 1];
  return run(() => {
    const X = tf.tensor2d(Float32Array.from(x), [n, 2]);
    const dx = X.slice([0, 0], [n, 1]).sub(tf.tensor1d(X0)); // [n, 4] by broadcasting
    const dy = X.slice([0, 1], [n, 1]).sub(tf.tensor1d(Y0));
    const expo = dx
      .square()
      .mul(tf.tensor1d(a))
      .add(dx.mul(dy).mul(tf.tensor1d(b)))
      .add(dy.square().mul(tf.tensor1d(c)));
    return expo.exp().mul(tf.tensor1d(A)).sum(1).mul(k);
  });
}

export function dimerTf(x: Float64Array, n: number, p: Record<string, number>): Float64Array {
  const N = 38;
  // Pair mask: upper triangle without the dimer bond.
  const mask = new Float32Array(N * N);
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) if (!(i === 0 && j === 1)) mask[i * N + j] = 1;
  return run(() => {
    const X = tf.tensor3d(Float32Array.from(x), [n, N, 2]);
    const px = X.slice([0, 0, 0], [n, N, 1]); // [n, N, 1]
    const py = X.slice([0, 0, 1], [n, N, 1]);
    const dxm = px.sub(px.transpose([0, 2, 1]));
    const dym = py.sub(py.transpose([0, 2, 1]));
    const m = tf.tensor2d(mask, [N, N]);
    // Unit distance on masked-out entries avoids 0/0 before the mask zeroes them.
    const r2 = dxm.square().add(dym.square()).mul(m).add(tf.scalar(1).sub(m));
    const rep = tf
      .scalar(p.rm * p.rm)
      .div(r2)
      .pow(6)
      .mul(m)
      .sum([1, 2])
      .mul(p.eps);
    const flat = X.reshape([n, 2 * N]);
    const col = (j: number): tf.Tensor => flat.slice([0, j], [n, 1]).squeeze([1]);
    const [x0, y0, x1, y1] = [col(0), col(1), col(2), col(3)];
    const restr = x0.add(x1).square().add(y0.square()).add(y1.square()).mul(p.kd);
    const d = x0.sub(x1).square().add(y0.sub(y1).square()).sqrt();
    const d0 = d.sub(p.dmid).mul(2);
    const bond = d0.mul(p.slope).sub(d0.square().mul(p.a)).add(d0.pow(4).mul(p.b));
    const over = flat.abs().sub(p.L).relu();
    const box = over
      .square()
      .sum(1)
      .mul(2 * p.kbox);
    return restr.add(bond).add(box).add(rep);
  });
}
