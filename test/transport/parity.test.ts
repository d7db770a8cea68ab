/**
 * One scenario, three transports: direct calls, the WebSocket bridge and Electron IPC (the real
 * handler registration and the preload's client, joined by a fake ipcMain that structured-clones
 * like Electron does). Same results, same error codes, same events.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { EventName, WorkbenchClient } from '../../src/shared/contract.js';
import { createIpcClient } from '../../src/shared/transport/ipcClient.js';
import { toContractCallError } from '../../src/shared/transport/errors.js';
import type { Envelope } from '../../src/shared/transport/protocol.js';
import { connectWebSocketClient, type WebSocketConstructor } from '../../src/shared/transport/wsClient.js';
import { createDirectClient } from '../../src/main/rpc/directClient.js';
import { createDispatcher } from '../../src/main/rpc/dispatch.js';
import { createEventHub } from '../../src/main/rpc/eventHub.js';
import { forwardEvents, type IpcMainLike, registerIpcHandlers } from '../../src/main/electron/ipc.js';
import { isAppUrl } from '../../src/main/electron/origins.js';
import { startServer, type RunningServer } from '../../src/main/serve/server.js';
import { createFakeBackend } from './fakeBackend.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function direct(): Promise<WorkbenchClient> {
  const hub = createEventHub();
  return createDirectClient(createFakeBackend(hub), hub);
}

async function websocket(): Promise<WorkbenchClient> {
  const server: RunningServer = await startServer({
    backendFactory: (sink) => createFakeBackend(sink),
    rendererDir: '/nonexistent',
    log: () => {},
  });
  const client = await connectWebSocketClient(server.url, server.token, {
    WebSocketImpl: WebSocket as unknown as WebSocketConstructor,
  });
  cleanups.push(
    () => client.close(),
    () => server.close(),
  );
  return client;
}

async function ipc(): Promise<WorkbenchClient> {
  const hub = createEventHub();
  const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  const ipcMain: IpcMainLike = {
    handle: (c, l) => void handlers.set(c, l),
    removeHandler: (c) => void handlers.delete(c),
  };
  registerIpcHandlers(ipcMain, createDispatcher(createFakeBackend(hub).services, { transport: 'ipc' }), {
    isTrustedSender: (u) => isAppUrl(u),
  });
  let push: (message: { event: EventName; payload: unknown }) => void = () => {};
  forwardEvents(hub, () => ({
    send: (_channel, message) => push(structuredClone(message)),
    isDestroyed: () => false,
  }));
  return createIpcClient({
    invoke: async (channel, payload) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const frame = { senderFrame: { url: 'app://renderer/index.html' } } as Parameters<typeof handler>[0];
      return structuredClone(await handler(frame, structuredClone(payload))) as Envelope;
    },
    subscribe: (listener) => (push = listener),
  });
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => toContractCallError(e).code,
  );

describe.each([
  ['direct', direct, 'direct'],
  ['websocket', websocket, 'websocket'],
  ['ipc', ipc, 'ipc'],
] as const)('contract over %s', (_name, connect, transport) => {
  it('round-trips calls, errors and events the same way', async () => {
    const client = await connect();
    expect(await client.call('app.info', {})).toEqual({ version: '0.1.0-test', backend: 'fake', transport });
    expect(await client.call('project.create', { path: '/tmp/x.bgw', name: 'x' })).toEqual({
      path: '/tmp/x.bgw',
      name: 'x',
      schemaVersion: 1,
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(await client.call('project.current', {})).toMatchObject({ path: '/tmp/x.bgw' });
    expect(await client.call('systems.energyProfile', { systemId: 'dw', points: 2 })).toEqual([
      { rc: 0, energy: 0 },
      { rc: 1, energy: 1 },
    ]);

    const invalid = await client
      .call('samples.create', { runId: 'r', temperature: 1, n: 0 })
      .catch((e: unknown) => toContractCallError(e));
    expect(invalid).toMatchObject({ code: 'invalid_request', details: [{ path: ['n'] }] });
    expect(await codeOf(client.call('no.such' as 'app.info', {}))).toBe('unknown_method');
    expect(await codeOf(client.call('runs.cancel', { runId: 'r' }))).toBe('cancelled');
    expect(await codeOf(client.call('runs.get', { runId: 'r' }))).toBe('not_found');
    const log = vi.spyOn(console, 'error').mockImplementation(() => {}); // the dispatcher logs the broken output
    expect(await codeOf(client.call('runs.list', {}))).toBe('failed');
    log.mockRestore();

    const events: string[] = [];
    const finished = new Promise<void>((resolve) =>
      client.on('job.finished', (e) => {
        events.push(`finished:${e.status}:${e.resultId}`);
        resolve();
      }),
    );
    const off = client.on('job.progress', (e) => events.push(`progress:${e.fraction}`));
    expect(await client.call('samples.create', { runId: 'r9', temperature: 2, n: 3 })).toEqual({
      jobId: 'job-r9-3',
    });
    await finished;
    expect(events).toEqual(['progress:0.5', 'finished:completed:ss-1']);
    off();
  });
});
