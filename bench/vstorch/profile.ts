/**
 * Where our engine's time goes, kernel by kernel: tf.profile over one ML step, one KL step and
 * one sampling chunk of the bench model, kernel times summed by kernel name (wasm kernels run
 * synchronously, so kernelMs is wall time spent inside each kernel).
 *
 *   node --import tsx bench/vstorch/profile.ts [--chunk 2000] [--json]
 * For JavaScript-level detail (energy loops, tfjs bookkeeping) add node's --cpu-prof.
 */
import { parseArgs } from 'node:util';
import { profileOf } from './kernelProfile.js';
import { OurEngine } from './ours.js';

const { values } = parseArgs({
  options: { chunk: { type: 'string', default: '2000' }, json: { type: 'boolean', default: false } },
});
const chunk = Number(values.chunk);

async function main(): Promise<void> {
  const ours = await OurEngine.create(4000);
  ours.mlStep();
  ours.klStep();
  ours.sample(chunk, chunk);
  const result = {
    backend: ours.backend,
    ml_step: await profileOf(() => void ours.mlStep()),
    kl_step: await profileOf(() => void ours.klStep()),
    sample_chunk: await profileOf(() => void ours.sample(chunk, chunk)),
  };
  ours.dispose();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  for (const [phase, p] of Object.entries(result)) {
    if (typeof p === 'string') continue;
    process.stdout.write(
      `${phase}: wall ${p.wallMs} ms, in kernels ${p.kernelMs} ms (the rest: JS, energies, tfjs bookkeeping)\n`,
    );
    for (const k of p.kernels.slice(0, 10))
      process.stdout.write(
        `  ${k.name.padEnd(22)} ${String(k.ms).padStart(6)} ms ${String(k.calls).padStart(5)} calls ${k.share}%\n`,
      );
  }
}

await main();
