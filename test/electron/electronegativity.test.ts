/**
 * Doyensec's Electronegativity over the Electron main process and the preload, programmatically:
 * no high or medium finding may remain. Justified exceptions are `eng-disable` comments on the
 * line itself (they say why), so they stay next to the code they excuse.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

interface Issue {
  id: string;
  file: string;
  location: { line: number };
  severity: { name: string };
  confidence: { name: string };
  manualReview: boolean;
}
interface Report {
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: Issue[];
}
type Run = (options: Record<string, unknown>) => Promise<Report>;

const require = createRequire(import.meta.url);
const mod = require('@doyensec/electronegativity') as Run | { default: Run };
const run: Run = typeof mod === 'function' ? mod : mod.default;

const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;

async function scan(input: string): Promise<Report> {
  // Its i18n and release lookups print to the console when offline; keep the test output clean.
  const quiet = [
    vi.spyOn(console, 'log').mockImplementation(() => {}),
    vi.spyOn(console, 'warn').mockImplementation(() => {}),
  ];
  try {
    return await run({
      input,
      output: undefined,
      isSarif: false,
      isRelative: true,
      customScan: [],
      // Needs the internet (Electron's release feed); the version is pinned in package.json instead.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      severitySet: 'informational',
      confidenceSet: 'tentative',
      electronVersionOverride: ELECTRON_VERSION,
    });
  } finally {
    quiet.forEach((q) => q.mockRestore());
  }
}

const serious = (r: Report) =>
  r.issues.filter((i) => i.severity.name === 'HIGH' || i.severity.name === 'MEDIUM');
const describeIssue = (i: Issue) =>
  `${i.id} ${i.severity.name}/${i.confidence.name} ${i.file}:${i.location.line}`;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bgw-eneg-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('electronegativity', () => {
  it('finds no high or medium issue in src/main and src/preload', async () => {
    // One tree, so global checks (CSP, navigation limits, permission handler) see main and preload together.
    const app = join(work, 'app');
    await cp(resolve('src/main'), join(app, 'main'), { recursive: true });
    await cp(resolve('src/preload'), join(app, 'preload'), { recursive: true });
    const report = await scan(app);
    expect(report.atomicChecks).toBeGreaterThan(20);
    expect(report.errors.filter((e) => !e.tolerable)).toEqual([]);
    expect(serious(report).map(describeIssue)).toEqual([]);
  });

  it('does flag a window that turns the protections off (the scan is not vacuous)', async () => {
    const bad = join(work, 'bad');
    await mkdir(bad);
    await writeFile(
      join(bad, 'main.js'),
      "const { BrowserWindow } = require('electron');\n" +
        'new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\n',
    );
    const ids = serious(await scan(bad)).map((i) => i.id);
    expect(ids).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK']),
    );
  });
});
