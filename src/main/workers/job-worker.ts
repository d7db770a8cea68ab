/**
 * Worker-thread entry point: runs one job (workerData) and reports through postMessage; a
 * { type: 'cancel' } message aborts it. Built as its own entry in electron.vite.config.ts; under
 * tsx (CLI, tests) it is loaded from source.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JobControl, JobRequest } from './protocol.js';
import { runJob } from './jobs.js';

if (!parentPort) throw new Error('job-worker must run in a worker thread');
const port = parentPort;
const abort = new AbortController();
port.on('message', (m: JobControl) => {
  if (m.type === 'cancel') abort.abort();
});

await runJob(
  workerData as JobRequest,
  (event, transfer) => port.postMessage(event, transfer ?? []),
  abort.signal,
);
port.close();
