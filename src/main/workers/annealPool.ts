/**
 * Anneals one temperature's walker populations on every core: each population is an annealing job
 * in its own worker thread, at most `workers` at a time. Annealing runs on one core per population
 * (a second BLAS thread gains nothing at these matrix sizes), and its populations are independent,
 * so threads are the way to use the others. Each population carries its own random seed: the
 * samples are the same whichever thread runs it and however many there are.
 */
import { availableParallelism } from 'node:os';
import { throwIfAborted } from '../../core/cancel.js';
import type { AnnealedFlow } from '../../core/run/types.js';
import type { PopulationResult, PopulationRunner } from '../../core/sampling/annealed.js';
import { startJob, type JobHandle } from '../jobs/runner.js';

/**
 * Walker moves × dimensions below which threads are not worth starting (a worker loads TensorFlow.js
 * and the flow in ~2 s; 2 000 dimer walkers × 100 Langevin levels take ~25 s).
 */
export const MIN_PARALLEL_WORK = 1e7;

/** Threads for annealing: BGW_ANNEAL_WORKERS when set (1 turns them off), else one per core. */
export function annealWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.BGW_ANNEAL_WORKERS;
  if (set === undefined || set === '') return availableParallelism();
  const n = Number(set);
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new Error(`BGW_ANNEAL_WORKERS must be a positive integer, got "${set}"`);
  }
  return n;
}

/**
 * The RunHooks.annealRunner that runs populations as annealing jobs in worker threads when there
 * are several populations, several workers and enough work; else core's own runner, in this thread.
 */
export function annealInWorkers(
  workers = annealWorkers(),
  minWork = MIN_PARALLEL_WORK,
): (flow: AnnealedFlow) => PopulationRunner {
  return (flow) => async (tasks, settings, onProgress, signal, here) => {
    const work = tasks.reduce((s, t) => s + t.m * t.dim, 0) * settings.levels * settings.moves;
    if (workers < 2 || tasks.length < 2 || work < minWork) {
      return here(tasks, settings, onProgress, signal, here);
    }
    const results: PopulationResult[] = new Array(tasks.length);
    const running = new Set<JobHandle>();
    let failure: Error | null = null;
    const stopAll = (): void => running.forEach((h) => h.cancel());
    signal?.addEventListener('abort', stopAll);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tasks.length && !failure && !signal?.aborted) {
        const p = next++;
        let result: PopulationResult | undefined;
        const handle = startJob(
          { kind: 'anneal', flow, task: tasks[p], settings },
          (e) => {
            if (e.type === 'progress') onProgress(p, e.fraction);
            else if (e.type === 'population') result = e.result;
          },
          { mode: 'worker' },
        );
        running.add(handle);
        const outcome = await handle.done;
        running.delete(handle);
        if (outcome.status === 'completed' && result) results[p] = result;
        else if (outcome.status !== 'cancelled' || !signal?.aborted) {
          failure ??= new Error(
            `annealing population ${p + 1} of ${tasks.length} ${outcome.error ? `failed: ${outcome.error}` : 'stopped without a result'}`,
          );
          stopAll();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(workers, tasks.length) }, lane));
    } finally {
      signal?.removeEventListener('abort', stopAll);
    }
    throwIfAborted(signal);
    if (failure) throw failure;
    return results;
  };
}
