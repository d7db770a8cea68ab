/**
 * Browser mode (`bgw serve`): the built renderer over HTTP and the contract over WebSocket, on
 * loopback, behind a random token. Every authenticated socket receives every back-end event.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ContractError } from '../../shared/contract.js';
import {
  API_CALL_PREFIX,
  API_UPLOAD_PATH,
  type Envelope,
  type ServerMessage,
  WS_PATH,
  WS_PROTOCOL,
} from '../../shared/transport/protocol.js';
import { createDispatcher, type Dispatcher } from '../rpc/dispatch.js';
import { createEventHub, type EventHub } from '../rpc/eventHub.js';
import type { Backend } from '../services/types.js';
import {
  authStatus,
  checkToken,
  createToken,
  isAllowedOrigin,
  isLoopbackHost,
  tokenFromRequest,
} from './auth.js';
import { buildCsp, securityHeaders } from './csp.js';
import { serveStatic } from './static.js';

export interface ServerOptions {
  /** Builds the back end with the server's event hub as its sink. */
  backendFactory?: (sink: EventHub) => Backend | Promise<Backend>;
  /** Or an existing back end; pass the hub it emits into as `events` so sockets receive them. */
  backend?: Backend;
  events?: EventHub;
  port?: number;
  host?: string;
  /** Defaults to a fresh random token. */
  token?: string;
  rendererDir?: string;
  /** Required to bind anything but loopback. */
  allowRemote?: boolean;
  /** Largest JSON request (HTTP body or WebSocket frame). */
  maxMessageBytes?: number;
  /** Largest upload through /api/upload. */
  maxUploadBytes?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** What to open in a browser: the base URL with `?token=`. */
  pageUrl: string;
  host: string;
  port: number;
  token: string;
  backend: Backend;
  events: EventHub;
  /** Authenticated sockets currently open. */
  clientCount(): number;
  close(): Promise<void>;
}

const STATUS_OF: Record<ContractError['code'], number> = {
  invalid_request: 400,
  unknown_method: 404,
  not_found: 404,
  cancelled: 409,
  failed: 500,
  unauthorized: 401,
};

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const allowRemote = options.allowRemote ?? false;
  const log = options.log ?? ((line: string) => console.error(line));
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new Error(`refusing to bind ${host}: only loopback unless allowRemote (--allow-remote) is set`);
  }
  if (!isLoopbackHost(host)) {
    log(
      `WARNING: serving on ${host}: anyone who can reach this port and learns the token can run jobs and read ` +
        'and write files as you. Traffic is plain HTTP (no TLS); use an SSH tunnel instead where you can.',
    );
  }
  const token = options.token ?? createToken();
  const rendererDir = resolve(options.rendererDir ?? 'out/renderer');
  const maxMessageBytes = options.maxMessageBytes ?? 256 * 1024 * 1024;
  const maxUploadBytes = options.maxUploadBytes ?? 8 * 1024 * 1024 * 1024;

  const events = options.events ?? createEventHub();
  let backend: Backend;
  if (options.backend) backend = options.backend;
  else if (options.backendFactory) backend = await options.backendFactory(events);
  else throw new Error('startServer needs backend or backendFactory');
  const ownsBackend = !options.backend;

  const wsDispatch: Dispatcher = createDispatcher(backend.services, { transport: 'websocket' });
  const httpDispatch: Dispatcher = createDispatcher(backend.services, { transport: 'http' });
  let uploadDir: string | undefined;

  const server: Server = createServer();
  let headers: Record<string, string> = securityHeaders(buildCsp());

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((err: unknown) => {
      const status = (err as { status?: number }).status ?? 500;
      if (!res.headersSent)
        sendJson(res, status, { code: 'failed', message: (err as Error).message ?? String(err) }, headers);
      else res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedOrigin(req, allowRemote)) {
      sendJson(res, 403, { code: 'unauthorized', message: 'host or origin not allowed' }, headers);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/api/')) {
      const auth = checkToken(tokenFromRequest(req), token);
      if (auth !== 'ok') {
        sendJson(
          res,
          authStatus(auth),
          { code: 'unauthorized', message: auth === 'missing' ? 'token required' : 'wrong token' },
          headers,
        );
        return;
      }
      if (method !== 'POST') {
        sendJson(res, 405, { code: 'invalid_request', message: 'use POST' }, { ...headers, allow: 'POST' });
        return;
      }
      if (url.pathname.startsWith(API_CALL_PREFIX)) {
        const name = decodeURIComponent(url.pathname.slice(API_CALL_PREFIX.length));
        let payload: unknown;
        try {
          const text = await readBody(req, maxMessageBytes);
          payload = text ? JSON.parse(text) : {};
        } catch (err) {
          const status = (err as { status?: number }).status ?? 400;
          sendJson(
            res,
            status,
            { ok: false, error: { code: 'invalid_request', message: (err as Error).message } },
            headers,
          );
          return;
        }
        const envelope = await httpDispatch(name, payload);
        sendJson(res, envelope.ok ? 200 : STATUS_OF[envelope.error.code], envelope, headers);
        return;
      }
      if (url.pathname === API_UPLOAD_PATH) {
        sendJson(
          res,
          200,
          await receiveUpload(req, url.searchParams.get('fileName') ?? 'upload.bin'),
          headers,
        );
        return;
      }
      sendJson(res, 404, { code: 'unknown_method', message: `no API at ${url.pathname}` }, headers);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' });
      res.end();
      return;
    }
    await serveStatic(rendererDir, url.pathname, res, headers, method);
  }

  async function receiveUpload(
    req: IncomingMessage,
    fileName: string,
  ): Promise<{ path: string; bytes: number }> {
    uploadDir ??= await mkdtemp(join(tmpdir(), 'bgw-uploads-'));
    // Keep the extension (importers pick the format from it), lose any path the client sent.
    const safe =
      basename(fileName)
        .replace(/[^A-Za-z0-9._-]/g, '_')
        .slice(-120) || 'upload.bin';
    const path = join(uploadDir, `${Date.now().toString(36)}-${safe}`);
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxUploadBytes)
          done(Object.assign(new Error(`upload over ${maxUploadBytes} bytes`), { status: 413 }));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(req, limit, createWriteStream(path, { mode: 0o600 }));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return { path, bytes };
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes,
    // Select our protocol; never echo the token subprotocol back.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== WS_PATH) return refuse(404, 'Not Found');
    if (!isAllowedOrigin(req, allowRemote)) return refuse(403, 'Forbidden');
    const auth = checkToken(tokenFromRequest(req), token);
    if (auth !== 'ok') return refuse(authStatus(auth), auth === 'missing' ? 'Unauthorized' : 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        void onMessage(ws, data.toString());
      });
    });
  });

  async function onMessage(ws: WebSocket, text: string): Promise<void> {
    let msg: { type?: unknown; id?: unknown; method?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return ws.close(1003, 'not JSON');
    }
    if (msg === null || typeof msg !== 'object' || msg.type !== 'call' || typeof msg.id !== 'number') {
      return ws.close(1003, 'not a call message');
    }
    const envelope: Envelope = await wsDispatch(String(msg.method), msg.payload);
    const reply: ServerMessage = { type: 'result', id: msg.id, ...envelope };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  const unsubscribe = events.onAny((event, payload) => {
    if (sockets.size === 0) return;
    const frame = JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${urlHost(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${port}/`;
  headers = securityHeaders(buildCsp({ connectSrc: [`ws://${urlHost(host)}:${port}`] }));

  return {
    url: base,
    pageUrl: `${base}?token=${token}`,
    host,
    port,
    token,
    backend,
    events,
    clientCount: () => sockets.size,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (ownsBackend) await backend.dispose();
      if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
    },
  };
}
