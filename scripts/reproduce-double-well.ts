/**
 * Runs the paper's double-well preset end to end and compares ΔF at every τ with quadrature.
 * Usage: node --import tsx scripts/reproduce-double-well.ts [preset.json]
 */
import { readFileSync } from 'node:fs';
import { RunSpec } from '../src/shared/runspec.js';
import { executeRun } from '../src/core/run/execute.js';
import { referenceDeltaF } from '../src/core/analysis/quadrature.js';
import { createSystem } from '../src/core/systems/catalog.js';

async function main(): Promise<void> {
  const path =
    process.argv[2] ?? new URL('../resources/presets/paper-double-well.json', import.meta.url).pathname;
  const spec = RunSpec.parse(JSON.parse(readFileSync(path, 'utf8')));
  const system = createSystem(spec.system);
  let lastStage = -1;
  const result = await executeRun(spec, {
    onMetrics: (rows) => {
      for (const r of rows) {
        if (r.stage !== lastStage || r.iteration % 100 === 0) {
          lastStage = r.stage;
          const f = (v: number | null): string => (v === null ? '-' : v.toFixed(3));
          console.error(
            `it ${r.iteration} stage ${r.stage} loss ${f(r.loss)} ml ${f(r.ml)} kl ${f(r.kl)} rc ${f(r.rc)} |g| ${f(r.gradNorm)} ess ${f(r.essFraction)} t ${r.time.toFixed(1)}s`,
          );
        }
      }
    },
  });
  console.log(
    `backend ${result.backend}, wall time ${result.wallTimeSeconds.toFixed(1)} s, ${result.iterations} iterations, ${result.skippedSteps} skipped`,
  );
  console.log('tau   dF (BG)            dF (quadrature)  error    ESS fraction');
  for (const t of result.temperatures) {
    const ref = referenceDeltaF(system, t.temperature);
    const err = t.deltaF.value - ref;
    console.log(
      `${t.temperature.toFixed(2).padEnd(5)} ${t.deltaF.value.toFixed(3)} ± ${t.deltaF.error.toFixed(3)}   ${ref.toFixed(3)}           ${err >= 0 ? '+' : ''}${err.toFixed(3)}   ${t.essFraction.toFixed(3)}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
