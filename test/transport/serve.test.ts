import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../../src/main/serve/server.js';
import { resolveStaticPath } from '../../src/main/serve/static.js';
import { ContractCallError } from '../../src/shared/transport/errors.js';
import { WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../src/shared/transport/protocol.js';
import { uploadFile } from '../../src/shared/transport/upload.js';
import { connectWebSocketClient, type WebSocketConstructor } from '../../src/shared/transport/wsClient.js';
import { createFakeBackend, type FakeBackend } from './fakeBackend.js';

const WS = WebSocket as unknown as WebSocketConstructor;
let server: RunningServer;
let rendererDir: string;
let fake: FakeBackend;

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'bgw-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>bgw</title>');
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startServer({
    backendFactory: (sink) => (fake = createFakeBackend(sink)),
    rendererDir,
    log: () => {},
  });
});

afterAll(async () => {
  await server.close();
  expect(fake.disposed).toBe(true);
  await rm(rendererDir, { recursive: true, force: true });
});

/** Raw HTTP so tests control every header (fetch would add Origin-less defaults we want to vary). */
function http(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Status of a WebSocket handshake: 101 when accepted, else the HTTP status the server refused with. */
function wsHandshake(
  url: string,
  protocols: string[],
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

describe('bgw serve', () => {
  it('binds loopback by default and refuses other hosts without allowRemote', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.pageUrl).toBe(`${server.url}?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    await expect(startServer({ backend: fake, host: '0.0.0.0', log: () => {} })).rejects.toThrow(
      /allow-remote/,
    );
  });

  it('warns loudly when remote access is enabled', async () => {
    const lines: string[] = [];
    const remote = await startServer({
      backend: fake,
      host: '0.0.0.0',
      allowRemote: true,
      rendererDir,
      log: (l) => lines.push(l),
    });
    try {
      expect(lines.join('\n')).toMatch(/WARNING/);
      expect(
        (
          await fetch(`${remote.url}api/call/app.info`, {
            method: 'POST',
            headers: { 'x-bgw-token': remote.token },
          })
        ).status,
      ).toBe(200);
    } finally {
      await remote.close();
    }
    expect(fake.disposed).toBe(false); // a passed-in backend belongs to the caller
  });

  it('serves the renderer with a CSP and without a token; blocks path traversal', async () => {
    const page = await http('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>bgw</title>');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/object-src 'none'/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    expect((await http('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await http('/../../../etc/passwd')).status).toBe(404);
    expect((await http('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect(resolveStaticPath('/srv/r', '/../x')).toBe('/srv/r/x');
    expect(resolveStaticPath('/srv/r', '/%2e%2e%2fx')).toBe('/srv/r/x');
    expect(resolveStaticPath('/srv/r', '/a%00')).toBeUndefined();
  });

  it('HTTP API: no token → 401, wrong token → 403, right token → result', async () => {
    const call = (headers: Record<string, string>, path = '/api/call/app.info') =>
      http(path, { method: 'POST', headers, body: '{}' });
    expect((await call({})).status).toBe(401);
    expect((await call({ 'x-bgw-token': 'f'.repeat(64) })).status).toBe(403);
    expect((await call({ authorization: 'Bearer nope' })).status).toBe(403);
    expect((await http(`/api/call/app.info?token=${'0'.repeat(63)}`, { method: 'POST' })).status).toBe(403);
    const ok = await call({ 'x-bgw-token': server.token });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({
      ok: true,
      result: { version: '0.1.0-test', backend: 'fake', transport: 'http' },
    });
    expect((await call({ authorization: `Bearer ${server.token}` })).status).toBe(200);
    const bad = await call({ 'x-bgw-token': server.token }, '/api/call/nope.nope');
    expect(bad.status).toBe(404);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const invalid = await http('/api/call/samples.create', {
      method: 'POST',
      headers: { 'x-bgw-token': server.token },
      body: '{"runId":"r"}',
    });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.code).toBe('invalid_request');
    expect(
      (
        await http('/api/call/app.info', {
          method: 'POST',
          headers: { 'x-bgw-token': server.token },
          body: '{not json',
        })
      ).status,
    ).toBe(400);
  });

  it('refuses foreign Host and Origin headers (DNS rebinding)', async () => {
    const h = { 'x-bgw-token': server.token };
    expect(
      (await http('/api/call/app.info', { method: 'POST', headers: { ...h, host: 'evil.example:80' } }))
        .status,
    ).toBe(403);
    expect((await http('/', { headers: { host: 'evil.example' } })).status).toBe(403);
    expect(
      (await http('/api/call/app.info', { method: 'POST', headers: { ...h, origin: 'http://evil.example' } }))
        .status,
    ).toBe(403);
    const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
    expect(
      await wsHandshake(wsUrl, [WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + server.token], {
        origin: 'http://evil.example',
      }),
    ).toBe(403);
  });

  it('WebSocket: no token → 401, wrong token → 403, right token (subprotocol or query) → open', async () => {
    const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
    expect(await wsHandshake(wsUrl, [WS_PROTOCOL])).toBe(401);
    expect(await wsHandshake(wsUrl, [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${'a'.repeat(64)}`])).toBe(403);
    expect(await wsHandshake(`${wsUrl}?token=wrong`, [WS_PROTOCOL])).toBe(403);
    expect(await wsHandshake(wsUrl, [WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + server.token])).toBe(101);
    expect(await wsHandshake(`${wsUrl}?token=${server.token}`, [WS_PROTOCOL])).toBe(101);
    expect(
      await wsHandshake(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, [WS_PROTOCOL]),
    ).toBe(404);
    await expect(connectWebSocketClient(server.url, 'wrong', { WebSocketImpl: WS })).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('WebSocket client: round trips, typed errors, and events pushed to every socket', async () => {
    const a = await connectWebSocketClient(server.url, server.token, { WebSocketImpl: WS });
    const b = await connectWebSocketClient(server.url, server.token, { WebSocketImpl: WS });
    try {
      expect(server.clientCount()).toBe(2);
      expect(await a.call('app.info', {})).toEqual({
        version: '0.1.0-test',
        backend: 'fake',
        transport: 'websocket',
      });
      const profile = await a.call('systems.energyProfile', { systemId: 'dw', points: 3 });
      expect(profile).toEqual([
        { rc: 0, energy: 0 },
        { rc: 1, energy: 1 },
        { rc: 2, energy: 4 },
      ]);

      const err = await a
        .call('samples.create', { runId: 'r1', temperature: 0, n: 1 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContractCallError);
      expect(err).toMatchObject({ code: 'invalid_request', details: [{ path: ['temperature'] }] });
      await expect(a.call('nope.nope' as 'app.info', {})).rejects.toMatchObject({ code: 'unknown_method' });
      await expect(a.call('runs.cancel', { runId: 'r' })).rejects.toMatchObject({ code: 'cancelled' });
      await expect(a.call('runs.get', { runId: 'r' })).rejects.toMatchObject({ code: 'not_found' });

      const doneA = new Promise((r) => a.on('job.finished', r));
      const doneB = new Promise((r) => b.on('job.finished', r));
      const progressB: number[] = [];
      b.on('job.progress', (p) => progressB.push(p.fraction));
      // Concurrent calls resolve to their own replies (request ids).
      const [j1, j2] = await Promise.all([
        a.call('samples.create', { runId: 'r1', temperature: 1, n: 5 }),
        a.call('samples.create', { runId: 'r2', temperature: 1, n: 7 }),
      ]);
      expect([j1.jobId, j2.jobId]).toEqual(['job-r1-5', 'job-r2-7']);
      expect(await doneA).toMatchObject({ status: 'completed', resultId: 'ss-1', warnings: [] });
      expect(await doneB).toMatchObject({ status: 'completed' });
      await vi.waitFor(() => expect(progressB).toEqual([0.5, 0.5]));
    } finally {
      a.close();
      b.close();
    }
    await a.closed;
    await vi.waitFor(() => expect(server.clientCount()).toBe(0));
    await expect(a.call('app.info', {})).rejects.toMatchObject({ code: 'failed' });
  });

  it('rejects pending calls when the server goes away, and closes sockets that send garbage', async () => {
    const c = await connectWebSocketClient(server.url, server.token, { WebSocketImpl: WS });
    const raw = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, [WS_PROTOCOL]);
    const code = await new Promise<number>((resolve) => {
      raw.on('open', () => raw.send('{"type":"nonsense"}'));
      raw.on('close', (c) => resolve(c));
    });
    expect(code).toBe(1003);
    const hang = new Promise<never>(() => {});
    const slow = await startServer({
      backend: createFakeBackend(server.events, { 'app.info': () => hang }),
      rendererDir,
      log: () => {},
    });
    const s = await connectWebSocketClient(slow.url, slow.token, { WebSocketImpl: WS });
    const pending = s.call('app.info', {});
    await new Promise((r) => setTimeout(r, 20));
    await slow.close();
    await expect(pending).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringContaining('connection closed'),
    });
    c.close();
  });

  it('streams uploads to a private temp file and needs the token', async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    await expect(uploadFile(server.url, 'wrong', 'x.xyz', bytes.buffer)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const up = await uploadFile(server.url, server.token, '../../etc/evil name.xyz', bytes.buffer);
    expect(up.bytes).toBe(bytes.length);
    expect(up.path).toMatch(/bgw-uploads-.*evil_name\.xyz$/);
    expect(new Uint8Array(await readFile(up.path))).toEqual(bytes);
  });
});
