/**
 * The browser-mode WorkbenchClient: the contract over one WebSocket to `bgw serve`.
 * Uses only the WHATWG WebSocket API (the browser's, or any constructor with the same shape).
 */
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  WorkbenchClient,
} from '../contract.js';
import { ContractCallError } from './errors.js';
import {
  type CallMessage,
  type ServerMessage,
  WS_PATH,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
} from './protocol.js';

/** The part of the WHATWG WebSocket this client needs; lets tests pass `ws`'s class under Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown; code?: number; reason?: string }) => void,
  ): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketClient extends WorkbenchClient {
  close(): void;
  /** Resolves when the socket has closed (by either side); pending calls are rejected then. */
  readonly closed: Promise<void>;
}

export interface WebSocketClientOptions {
  WebSocketImpl?: WebSocketConstructor;
}

const OPEN = 1;

/** `url` is the server's base (http(s):// or ws(s)://, any path); the socket goes to /ws on it. */
export function webSocketUrl(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  u.pathname = WS_PATH;
  u.search = '';
  u.hash = '';
  return u.toString();
}

export function connectWebSocketClient(
  url: string,
  token: string,
  options: WebSocketClientOptions = {},
): Promise<WebSocketClient> {
  const Impl =
    options.WebSocketImpl ?? (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Impl) return Promise.reject(new Error('No WebSocket implementation available'));
  // Token as a subprotocol: browsers cannot set headers on a WebSocket and it stays out of URLs and logs.
  const socket = new Impl(webSocketUrl(url), [WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + token]);

  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  socket.addEventListener('message', (event) => {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(event.data)) as ServerMessage;
    } catch {
      return; // not ours; the server only sends JSON
    }
    if (msg.type === 'result') {
      const entry = pending.get(msg.id);
      if (!entry) return;
      pending.delete(msg.id);
      if (msg.ok) entry.resolve(msg.result);
      else entry.reject(new ContractCallError(msg.error));
    } else if (msg.type === 'event') {
      for (const handler of handlers.get(msg.event) ?? []) {
        try {
          handler(msg.payload);
        } catch (err) {
          console.error(`handler for ${msg.event} threw`, err);
        }
      }
    }
  });

  socket.addEventListener('close', (event) => {
    const reason = new ContractCallError({
      code: 'failed',
      message: `connection closed${event.code ? ` (${event.code}${event.reason ? ` ${event.reason}` : ''})` : ''}`,
    });
    for (const entry of pending.values()) entry.reject(reason);
    pending.clear();
    resolveClosed();
  });

  const client: WebSocketClient = {
    call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      if (socket.readyState !== OPEN) {
        return Promise.reject(new ContractCallError({ code: 'failed', message: 'connection is not open' }));
      }
      const id = nextId++;
      const message: CallMessage = { type: 'call', id, method, payload: input ?? {} };
      return new Promise<MethodOutput<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify(message));
      });
    },
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    close: () => socket.close(1000, 'client closed'),
    closed,
  };

  return new Promise<WebSocketClient>((resolve, reject) => {
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      resolve(client);
    });
    socket.addEventListener('error', () => {
      if (!opened)
        reject(
          new ContractCallError({
            code: 'unauthorized',
            message: 'could not connect (bad token or server down)',
          }),
        );
    });
    socket.addEventListener('close', (event) => {
      if (!opened)
        reject(
          new ContractCallError({
            code: event.code === 4401 || event.code === 4403 ? 'unauthorized' : 'failed',
            message: `could not connect (${event.code ?? 'closed'})`,
          }),
        );
    });
  });
}

/**
 * Browser mode: read the token the server put in the page URL (`?token=`) and connect to the same
 * origin. (Keep the token in the URL or sessionStorage if the page should survive a reload.)
 */
export function connectFromPageUrl(
  location: { href: string },
  options: WebSocketClientOptions = {},
): Promise<WebSocketClient> {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (!token)
    return Promise.reject(
      new ContractCallError({ code: 'unauthorized', message: 'no token in the page URL' }),
    );
  return connectWebSocketClient(url.origin, token, options);
}
