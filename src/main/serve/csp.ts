/**
 * Content-Security-Policy for the renderer, the same in Electron and in browser mode: scripts and
 * styles only from our own origin, no plugins, no framing, no form posts, network only back to us.
 */
export interface CspOptions {
  /** Extra connect-src entries, e.g. the server's ws:// origin (Chromium's 'self' covers it, older engines do not). */
  connectSrc?: string[];
  /** Allow the Vite dev server's inline HMR scripts (development only). */
  dev?: boolean;
}

export function buildCsp(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connectSrc ?? []), ...(options.dev ? ['ws:'] : [])];
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // wasm-unsafe-eval only lets WebAssembly compile; it does not allow eval() of strings.
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...(options.dev ? ["'unsafe-inline'"] : [])],
    // uPlot and Svelte transitions set inline styles; styles cannot run code.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': connect,
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'frame-src': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Headers every renderer response carries, in Electron (protocol handler) and from `bgw serve`. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the token in browser mode: never leak it in a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
