import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, errorFromThrown } from '../../src/main/rpc/dispatch.js';
import { createDirectClient } from '../../src/main/rpc/directClient.js';
import { createEventHub } from '../../src/main/rpc/eventHub.js';
import { ContractCallError } from '../../src/shared/transport/errors.js';
import { createFakeBackend } from './fakeBackend.js';

function setup() {
  const hub = createEventHub();
  const backend = createFakeBackend(hub);
  return { hub, backend, dispatch: createDispatcher(backend.services) };
}

describe('createDispatcher', () => {
  it('runs a valid call and returns the parsed output, with defaults applied to the input', async () => {
    const { dispatch, backend } = setup();
    const r = await dispatch('systems.energyProfile', { systemId: 'double-well' });
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.result as unknown[]).length).toBe(200); // points default
    expect(backend.calls[0]).toEqual({
      method: 'systems.energyProfile',
      input: { systemId: 'double-well', params: {}, points: 200 },
    });
  });

  it('rejects an unknown method without calling anything', async () => {
    const { dispatch, backend } = setup();
    const r = await dispatch('project.destroyEverything', {});
    expect(r).toEqual({
      ok: false,
      error: { code: 'unknown_method', message: expect.stringContaining('project.destroyEverything') },
    });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await dispatch('toString', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(backend.calls).toHaveLength(0);
  });

  it('rejects invalid input with zod issues naming the field paths', async () => {
    const { dispatch, backend } = setup();
    const r = await dispatch('samples.create', { runId: 'r1', temperature: -1, n: 2.5 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_request');
    const paths = (r.error.details as { path: unknown[] }[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['temperature', 'n']));
    expect(backend.calls).toHaveLength(0);
  });

  it('treats a missing payload as {} for methods without input', async () => {
    const { dispatch } = setup();
    expect(await dispatch('app.info', undefined)).toMatchObject({ ok: true, result: { backend: 'fake' } });
  });

  it('reports output that breaks the contract as failed, not as success', async () => {
    const { dispatch } = setup();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = await dispatch('runs.list', {});
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'failed', message: expect.stringContaining('invalid response') },
    });
  });

  it('maps thrown errors: CancellationError → cancelled, coded errors keep their code, anything else → failed', async () => {
    const { dispatch } = setup();
    expect(await dispatch('runs.cancel', { runId: 'r1' })).toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'job was cancelled' },
    });
    expect(await dispatch('runs.get', { runId: 'nope' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'no run nope' },
    });
    expect(await dispatch('jobs.cancel', { jobId: 'j' })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'a string, not an Error' },
    });
    expect(await dispatch('datasets.list', {})).toMatchObject({
      ok: false,
      error: { code: 'failed', message: expect.stringContaining('not implemented') },
    });
    expect(errorFromThrown(null)).toEqual({ code: 'failed', message: 'null' });
  });

  it('fills app.info transport from the transport, not the service', async () => {
    const hub = createEventHub();
    const dispatch = createDispatcher(createFakeBackend(hub).services, { transport: 'ipc' });
    expect(await dispatch('app.info', {})).toMatchObject({ ok: true, result: { transport: 'ipc' } });
  });
});

describe('createDirectClient', () => {
  it('round-trips calls and delivers events to subscribers until they unsubscribe', async () => {
    const hub = createEventHub();
    const client = createDirectClient(createFakeBackend(hub), hub);
    expect(await client.call('project.create', { path: '/tmp/p.bgw' })).toEqual({
      path: '/tmp/p.bgw',
      name: 'untitled',
      schemaVersion: 1,
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect((await client.call('app.info', {})).transport).toBe('direct');
    const progress: number[] = [];
    const finished = new Promise<string | null>((resolve) =>
      client.on('job.finished', (e) => resolve(e.resultId)),
    );
    const off = client.on('job.progress', (e) => progress.push(e.fraction));
    const { jobId } = await client.call('samples.create', { runId: 'r1', temperature: 1, n: 10 });
    expect(jobId).toBe('job-r1-10');
    expect(await finished).toBe('ss-1');
    expect(progress).toEqual([0.5]);
    off();
    hub.emit('job.progress', { jobId, kind: 'sampling', fraction: 1, message: 'again' });
    expect(progress).toEqual([0.5]);
  });

  it('rejects with ContractCallError carrying code and details', async () => {
    const hub = createEventHub();
    const client = createDirectClient(createFakeBackend(hub), hub);
    const err = await client
      .call('samples.create', { runId: '', temperature: 1, n: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractCallError);
    expect(err).toMatchObject({ code: 'invalid_request', details: [{ path: ['runId'] }] });
  });

  it('drops events that break the contract instead of delivering them', async () => {
    const hub = createEventHub();
    const seen: unknown[] = [];
    hub.onAny((e, p) => seen.push([e, p]));
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    hub.emit('job.progress', { jobId: 'j', kind: 'sampling', fraction: 2, message: 'too far' });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
    expect(seen).toEqual([]);
    hub.emit('job.finished', {
      jobId: 'j',
      kind: 'import',
      status: 'failed',
      resultId: null,
      error: 'bad file',
      warnings: [],
    });
    expect(seen).toHaveLength(1);
  });
});
