import { describe, expect, it } from 'vitest';
import { activeBackend, initBackend, tf } from '../../../src/core/backend.js';

describe('backend', () => {
  it('falls back from the absent native backend to wasm, and honours an explicit choice', async () => {
    expect(activeBackend()).toBe('uninitialised');
    // tfjs-node is not installable here, so "node" must fall through to wasm.
    const name = await initBackend('node');
    expect(['tensorflow', 'wasm']).toContain(name);
    expect(activeBackend()).toBe(name);
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(await initBackend()).toBe('wasm'); // no preference: keep the active one
    expect(
      tf.tidy(() =>
        tf
          .matMul(
            tf.eye(2),
            tf.tensor2d([
              [1, 2],
              [3, 4],
            ]),
          )
          .arraySync(),
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
