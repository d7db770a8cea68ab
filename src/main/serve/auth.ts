/**
 * Who may talk to `bgw serve`: a random token (in a header, the query string or a WebSocket
 * subprotocol), and, unless remote access was asked for, only a loopback Host header (which
 * stops DNS-rebinding pages from reaching the server through the victim's browser).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, WS_TOKEN_PROTOCOL_PREFIX } from '../../shared/transport/protocol.js';

export function createToken(): string {
  return randomBytes(32).toString('hex');
}

export type AuthResult = 'ok' | 'missing' | 'wrong';

/** The token a request carries, from header, bearer, query or WebSocket subprotocol (in that order). */
export function tokenFromRequest(req: IncomingMessage): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header) return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  if (query) return query;
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',').map((s) => s.trim())) {
      if (p.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) return p.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}

export function checkToken(presented: string | undefined, expected: string): AuthResult {
  if (!presented) return 'missing';
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  // Constant-time: do not tell an attacker how many leading characters were right.
  return a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'wrong';
}

export function authStatus(result: AuthResult): 401 | 403 | 200 {
  return result === 'missing' ? 401 : result === 'wrong' ? 403 : 200;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Host header (`name:port`) → name; tolerant of IPv6 brackets. */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

/** Loopback-only servers accept only loopback Host and Origin headers. */
export function isAllowedOrigin(req: IncomingMessage, allowRemote: boolean): boolean {
  if (allowRemote) return true;
  const host = hostName(req.headers.host);
  if (!host || !isLoopbackHost(host)) return false;
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    try {
      if (!isLoopbackHost(new URL(origin).hostname)) return false;
    } catch {
      return false;
    }
  }
  return true;
}
