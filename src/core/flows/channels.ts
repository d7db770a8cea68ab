/**
 * A coupling block's channel split and merge as native copies (where the native kernels are
 * active): x → the even or odd channels, and two halves → one interleaved batch, each with the
 * other as its gradient. Plain wasm uses 0/1 projection products instead (blocks.ts), which are
 * faster there than strided copies (docs/performance.md).
 */
import { tf } from '../backend.js';
import { INTERLEAVE, runKernel, SCATTER_COLUMNS, SELECT_COLUMNS } from '../native/wasmKernels.js';

type Arg = tf.Tensor | tf.GradSaveFunc;

const selectWith = (parity: number) =>
  tf.customGrad((...args: Arg[]) => {
    const x = args[0] as tf.Tensor2D;
    const width = x.shape[1];
    return {
      value: runKernel<tf.Tensor2D>(SELECT_COLUMNS, { x }, { parity }),
      gradFunc: (dy: tf.Tensor2D) => runKernel<tf.Tensor2D>(SCATTER_COLUMNS, { x: dy }, { parity, width }),
    };
  }) as (x: tf.Tensor2D) => tf.Tensor2D;

const select = [selectWith(0), selectWith(1)];

/** The channels c with c % 2 = parity, in order. */
export function selectChannels(x: tf.Tensor2D, parity: 0 | 1): tf.Tensor2D {
  return select[parity](x);
}

const interleaveWith = (parity: number) =>
  tf.customGrad((...args: Arg[]) => {
    const [a, b] = args as [tf.Tensor2D, tf.Tensor2D];
    return {
      value: runKernel<tf.Tensor2D>(INTERLEAVE, { a, b }, { parity }),
      gradFunc: (dy: tf.Tensor2D) => [
        runKernel<tf.Tensor2D>(SELECT_COLUMNS, { x: dy }, { parity }),
        runKernel<tf.Tensor2D>(SELECT_COLUMNS, { x: dy }, { parity: 1 - parity }),
      ],
    };
  }) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

const interleave = [interleaveWith(0), interleaveWith(1)];

/** The batch whose parity channels are `a` and whose other channels are `b`. */
export function interleaveChannels(a: tf.Tensor2D, b: tf.Tensor2D, parity: 0 | 1): tf.Tensor2D {
  return interleave[parity](a, b);
}
