import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  authStatus,
  checkToken,
  createToken,
  isAllowedOrigin,
  isLoopbackHost,
  tokenFromRequest,
} from '../../src/main/serve/auth.js';
import { buildCsp } from '../../src/main/serve/csp.js';

const req = (headers: Record<string, string>, url = '/') => ({ headers, url }) as unknown as IncomingMessage;

describe('serve auth', () => {
  it('creates 256-bit random tokens', () => {
    const a = createToken();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(createToken()).not.toBe(a);
  });

  it('tells a missing token (401) from a wrong one (403), whatever its length', () => {
    const t = createToken();
    expect(checkToken(undefined, t)).toBe('missing');
    expect(checkToken('', t)).toBe('missing');
    expect(checkToken(t.slice(0, 63), t)).toBe('wrong');
    expect(checkToken(`${t}0`, t)).toBe('wrong');
    expect(
      checkToken(
        t.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')),
        t,
      ),
    ).toBe('wrong');
    expect(checkToken(t, t)).toBe('ok');
    expect([authStatus('missing'), authStatus('wrong'), authStatus('ok')]).toEqual([401, 403, 200]);
  });

  it('reads the token from header, bearer, query or WebSocket subprotocol', () => {
    expect(tokenFromRequest(req({ 'x-bgw-token': 'h' }))).toBe('h');
    expect(tokenFromRequest(req({ authorization: 'Bearer b' }))).toBe('b');
    expect(tokenFromRequest(req({}, '/ws?token=q'))).toBe('q');
    expect(tokenFromRequest(req({ 'sec-websocket-protocol': 'bgw.v1, bgw.token.s' }))).toBe('s');
    expect(tokenFromRequest(req({ authorization: 'Basic x' }))).toBeUndefined();
  });

  it('accepts only loopback Host and Origin unless remote access is allowed', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.5', 'localhost.evil.example', '127.0.0.1.nip.io'])
      expect(isLoopbackHost(h)).toBe(false);
    expect(isAllowedOrigin(req({ host: '127.0.0.1:9000' }), false)).toBe(true);
    expect(isAllowedOrigin(req({ host: '[::1]:9000', origin: 'http://[::1]:9000' }), false)).toBe(true);
    expect(isAllowedOrigin(req({ host: 'rebind.evil.example:9000' }), false)).toBe(false);
    expect(isAllowedOrigin(req({ host: '127.0.0.1:9000', origin: 'https://evil.example' }), false)).toBe(
      false,
    );
    expect(isAllowedOrigin(req({}), false)).toBe(false);
    expect(isAllowedOrigin(req({ host: 'lab-server:9000', origin: 'http://lab-server:9000' }), true)).toBe(
      true,
    );
  });

  it('CSP allows no eval, plugins, framing or foreign scripts', () => {
    const csp = buildCsp({ connectSrc: ['ws://127.0.0.1:9000'] });
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/'unsafe-eval'|\*/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:9000");
  });
});
