/**
 * Smoke test of the real desktop window through Playwright's `_electron`. Runs where an Electron
 * binary exists (developers' machines with the download allowed); here and in CI the binary cannot
 * be downloaded (../shared/TOOLCHAIN.md), so it is skipped and says why.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

function electronBinary(): string | null {
  try {
    // The package exports the binary's path and throws when the download was skipped.
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const mainEntry = resolve('out/main/index.js');
const skipReason = !binary
  ? 'no Electron binary is installed (its download is disabled on this machine; see TOOLCHAIN.md)'
  : !existsSync(mainEntry)
    ? 'the app is not built (run `npm run build` first)'
    : null;
if (skipReason) console.warn(`[electron.e2e] skipped: ${skipReason}`);

describe('desktop app (Electron)', () => {
  it.skipIf(skipReason !== null)(
    'opens a sandboxed window whose only bridge is window.workbench',
    async () => {
      const userData = await mkdtemp(join(tmpdir(), 'bgw-electron-'));
      const app = await electron.launch({
        executablePath: binary!,
        args: [mainEntry, `--user-data-dir=${userData}`, '--no-sandbox'],
        env: { ...process.env, ELECTRON_RENDERER_URL: '' },
      });
      try {
        const page = await app.firstWindow();
        await page.waitForLoadState('domcontentloaded');
        expect(page.url()).toMatch(/^app:\/\/renderer\//);
        type Bridge = { call(m: string, i: object): Promise<unknown>; on: unknown };
        type PageGlobals = {
          workbench: Bridge;
          process?: unknown;
          require?: unknown;
          location: { href: string };
          open(url: string): unknown;
        };
        const bridge = await page.evaluate(() => {
          const g = globalThis as unknown as PageGlobals;
          return { keys: Object.keys(g.workbench).sort(), node: typeof g.process, require: typeof g.require };
        });
        expect(bridge).toEqual({ keys: ['call', 'on'], node: 'undefined', require: 'undefined' });
        const info = (await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).workbench.call('app.info', {}),
        )) as { transport: string };
        expect(info.transport).toBe('ipc');
        const rejected = await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).workbench
            .call('samples.create', { runId: '', temperature: -1, n: 0 })
            .then(
              () => null,
              (e: { code: string }) => e.code,
            ),
        );
        expect(rejected).toBe('invalid_request');
        const csp = await page.evaluate(async () =>
          (await fetch((globalThis as unknown as PageGlobals).location.href)).headers.get(
            'content-security-policy',
          ),
        );
        expect(csp).toMatch(/default-src 'self'/);
        expect(
          await page.evaluate(
            () => (globalThis as unknown as PageGlobals).open('https://example.com') === null,
          ),
        ).toBe(true);
        expect(app.windows()).toHaveLength(1);
      } finally {
        await app.close();
        await rm(userData, { recursive: true, force: true });
      }
    },
  );
});
