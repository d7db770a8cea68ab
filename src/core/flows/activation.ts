/**
 * tanh computed as 2·σ(2x) − 1 with the gradient dy·(1 − y²). The wasm backend's Tanh kernel is
 * scalar (as slow as a 1000×200×200 matmul on a 1000×200 batch) while Sigmoid and elementwise
 * arithmetic are vectorised: measured here 0.5 ms vs 17 ms forward, max difference 2e-7.
 */
import { tf } from '../backend.js';

type Unary = (x: tf.Tensor) => tf.Tensor;

export const fastTanh: Unary = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sub(1, tf.square(saved[0]))),
  };
}) as Unary;
