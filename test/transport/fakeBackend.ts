/** A small fake ServiceTable for transport tests: a few real-looking handlers, the rest throw. */
import type { ServiceTable, Backend } from '../../src/main/services/types.js';
import type { EventHub } from '../../src/main/rpc/eventHub.js';

export interface FakeBackend extends Backend {
  calls: { method: string; input: unknown }[];
  disposed: boolean;
}

export function createFakeBackend(sink: EventHub, overrides: Partial<ServiceTable> = {}): FakeBackend {
  const calls: { method: string; input: unknown }[] = [];
  let current: { path: string; name: string; schemaVersion: number; createdAt: string } | null = null;
  const base: Partial<ServiceTable> = {
    'app.info': async () => ({ version: '0.1.0-test', backend: 'fake', transport: 'unknown' }),
    'project.create': async ({ path, name }) => {
      current = { path, name: name ?? 'untitled', schemaVersion: 1, createdAt: '2026-01-01T00:00:00Z' };
      return current;
    },
    'project.current': async () => current,
    'samples.create': async ({ runId, n }) => {
      const jobId = `job-${runId}-${n}`;
      // Events after the reply, as a real job would emit them from a worker.
      setTimeout(() => {
        sink.emit('job.progress', { jobId, kind: 'sampling', fraction: 0.5, message: 'half' });
        sink.emit('job.finished', {
          jobId,
          kind: 'sampling',
          status: 'completed',
          resultId: 'ss-1',
          error: null,
          warnings: [],
        });
      }, 5);
      return { jobId };
    },
    'runs.cancel': async () => {
      throw Object.assign(new Error('job was cancelled'), { name: 'CancellationError' });
    },
    'runs.get': async ({ runId }) => {
      throw Object.assign(new Error(`no run ${runId}`), { code: 'not_found' });
    },
    'runs.list': async () => [{ id: 'r1' }] as never, // breaks the output schema on purpose
    'systems.energyProfile': async ({ points }) =>
      Array.from({ length: points }, (_, i) => ({ rc: i, energy: i * i })),
    'jobs.cancel': async () => {
      throw 'a string, not an Error';
    },
  };
  const table = { ...base, ...overrides };
  const services = new Proxy(table, {
    get(target, prop: string) {
      const handler = (target as Record<string, ((input: unknown) => Promise<unknown>) | undefined>)[prop];
      return async (input: unknown) => {
        calls.push({ method: prop, input });
        if (!handler) throw new Error(`fake backend: ${prop} not implemented`);
        return handler(input);
      };
    },
  }) as ServiceTable;
  const backend: FakeBackend = {
    services,
    calls,
    disposed: false,
    async dispose() {
      backend.disposed = true;
    },
  };
  return backend;
}
