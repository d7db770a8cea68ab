/**
 * A zero-copy Identity kernel for the wasm backend. tfjs clones every tensor it saves for the
 * backward pass through Identity, and the stock wasm Identity copies the data (~330 copies per
 * dimer training step). Tensor data is immutable in tfjs (the wasm backend's own Reshape shares a
 * buffer the same way), so sharing the buffer with a reference count is enough.
 */
// Not ./backend.js: backend.ts installs this kernel, and this module must not import it back.
import * as tf from '@tensorflow/tfjs';

type IdentityArgs = { inputs: { x: tf.TensorInfo }; backend: tf.KernelBackend };

let registered = false;

export function registerSharedIdentity(): void {
  if (registered) return;
  const stock = tf.getKernel('Identity', 'wasm');
  if (!stock) return;
  registered = true;
  const copy = stock.kernelFunc as (args: IdentityArgs) => tf.TensorInfo;
  const identity = (args: IdentityArgs): tf.TensorInfo => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return copy(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: identity as unknown as tf.KernelFunc,
  });
}
