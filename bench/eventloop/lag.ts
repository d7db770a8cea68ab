/**
 * Event-loop lag of the serving process (`bgw serve`) while a training job runs in a worker thread:
 * the number that decides whether the UI stays responsive during training. Measures
 * perf_hooks' event-loop delay histogram and the WebSocket round trip of a cheap call
 * (`app.info` every 50 ms), idle first, then during a real training run of the real back end.
 *
 * Run: node --import tsx bench/eventloop/lag.ts [--system dimer|double-well] [--iterations 300] [--batch 512]
 * The dimer (the issue's case) uses the paper's network: 8 R blocks, 3×200 tanh.
 * Prints one JSON object on stdout (milliseconds).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { createBackend } from '../../src/main/services/backend.js';
import { startServer } from '../../src/main/serve/server.js';
import type { RunSpecInput } from '../../src/shared/runspec.js';
import { connectWebSocketClient, type WebSocketConstructor } from '../../src/shared/transport/wsClient.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '300' },
    batch: { type: 'string', default: '512' },
    idle: { type: 'string', default: '2000' },
    system: { type: 'string', default: 'dimer' },
  },
});
const iterations = Number(values.iterations);
const batchSize = Number(values.batch);
const idleMs = Number(values.idle);
const dimer = values.system === 'dimer';
const RESOLUTION_MS = 10;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bgw-lag-'));
  const server = await startServer({
    backendFactory: (sink) => createBackend({ sink, jobMode: 'worker' }),
    rendererDir: dir,
    log: (l) => console.error(l),
  });
  const client = await connectWebSocketClient(server.url, server.token, {
    WebSocketImpl: WebSocket as unknown as WebSocketConstructor,
  });
  await client.call('project.create', { path: join(dir, 'lag.bgw'), name: 'event-loop lag' });

  const spec: RunSpecInput = {
    name: 'event-loop lag bench',
    seed: 1,
    system: dimer ? { id: 'dimer', preset: 'fig3' } : { id: 'double-well' },
    data: dimer
      ? { source: 'metropolis', samplesPerStart: 500, stride: 10, stepSize: 0.02 }
      : { source: 'metropolis', samplesPerStart: 1000, stride: 10, stepSize: 0.3 },
    flow: dimer
      ? { blocks: ['R', 'R', 'R', 'R', 'R', 'R', 'R', 'R'], hidden: [200, 200, 200] }
      : { blocks: ['R', 'R', 'R', 'R', 'R', 'R'], hidden: [64, 64] },
    training: {
      batchSize,
      learningRate: 1e-3,
      checkpointEvery: 50,
      stages: [
        { name: 'ML', iterations: Math.ceil(iterations / 2), weights: { ml: 1 } },
        {
          name: 'ML+KL',
          iterations: Math.floor(iterations / 2),
          weights: { ml: 1, kl: 0.1 },
          highEnergy: 100,
          maxEnergy: 1e6,
        },
      ],
    },
    sampling: { temperatures: [1], n: dimer ? 2000 : 20000, chunk: 1000 },
    analysis: { bins: 40, bootstrap: 20 },
  };

  // Round trips of a cheap call, as a UI polling the back end would see them.
  async function probe(durationMs: number | (() => boolean)): Promise<number[]> {
    const times: number[] = [];
    const start = performance.now();
    const done = typeof durationMs === 'number' ? () => performance.now() - start > durationMs : durationMs;
    while (!done()) {
      const t = performance.now();
      await client.call('app.info', {});
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    return times.sort((a, b) => a - b);
  }

  // Warm up (lazy imports, JIT) so the idle numbers are the steady state.
  for (let i = 0; i < 5; i++) {
    await client.call('systems.list', {});
    await client.call('app.info', {});
  }

  const idleHist = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  idleHist.enable();
  const idleRtt = await probe(idleMs);
  idleHist.disable();

  let metricsEvents = 0;
  let lastIteration = 0;
  client.on('run.metrics', (m) => {
    metricsEvents++;
    for (const row of m.rows) lastIteration = Math.max(lastIteration, row.iteration);
  });
  let finished: { status: string; error: string | null } | undefined;
  const busyHist = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  busyHist.enable();
  const t0 = performance.now();
  const { jobId } = await client.call('runs.start', { spec });
  client.on('job.finished', (e) => {
    if (e.jobId === jobId) finished = e;
  });
  const busyRtt = await probe(() => finished !== undefined);
  busyHist.disable();
  const seconds = (performance.now() - t0) / 1000;

  // The histogram records the timer's whole period; lag is what exceeds the resolution.
  const lag = (ns: number) => round(Math.max(0, ns / 1e6 - RESOLUTION_MS));
  const ms = (h: ReturnType<typeof monitorEventLoopDelay>) => ({
    p50: lag(h.percentile(50)),
    p99: lag(h.percentile(99)),
    max: lag(h.max),
  });
  const rtt = (xs: number[]) => ({
    n: xs.length,
    p50: round(quantile(xs, 0.5)),
    p99: round(quantile(xs, 0.99)),
    max: round(xs[xs.length - 1] ?? NaN),
  });
  const result = {
    note: `event-loop lag = perf_hooks delay beyond its ${RESOLUTION_MS} ms timer; round trips of app.info over the WebSocket`,
    job: {
      status: finished?.status,
      error: finished?.error ?? null,
      seconds: round(seconds),
      iterations: lastIteration + 1,
      metricsEvents,
      batchSize,
    },
    idle: { eventLoopDelayMs: ms(idleHist), roundTripMs: rtt(idleRtt) },
    duringTraining: { eventLoopDelayMs: ms(busyHist), roundTripMs: rtt(busyRtt) },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
