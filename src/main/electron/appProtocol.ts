/**
 * app://renderer/… serves the built renderer from disk with our CSP headers. A custom standard,
 * secure scheme instead of file:// gives the page a real origin, lets us set response headers
 * (file:// responses cannot carry a CSP header) and confines it to one directory.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { resolveStaticPath } from '../serve/static.js';
import { buildCsp, securityHeaders } from '../serve/csp.js';
import { APP_HOST, APP_SCHEME } from './origins.js';

export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

export function createAppProtocolHandler(
  rendererDir: string,
): (request: { url: string }) => Promise<Response> {
  const headers = securityHeaders(buildCsp());
  return async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveStaticPath(rendererDir, url.pathname) : undefined;
    const body = file ? await readFile(file).catch(() => undefined) : undefined;
    if (!file || !body) return new Response('not found', { status: 404, headers });
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        ...headers,
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      },
    });
  };
}
