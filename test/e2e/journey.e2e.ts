/**
 * The user's journey in browser mode, against the real back end: create a project, drop a real
 * trajectory, simulate double-well data, train, sample at τ, see particles and the free-energy
 * profile, export fes.dat and CSV and read them back, reload and find the run in the history.
 * Screenshots of each view go to test-results/e2e/.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.js';
import { dropFile, screenshotStats, shot, SHOTS_DIR, waitForNumber } from './helpers/page.js';
import { startWorkbench, type Workbench } from './helpers/server.js';

/** A number, or ±inf/nan as exporters write empty bins; undefined for anything else. */
function parseNumber(token: string): number | undefined {
  const t = token.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan' || t === '') return NaN;
  const v = Number(t);
  return Number.isNaN(v) ? undefined : v;
}

/** Exact double-well ΔF(x₁<0 → x₁>0) in kT₀ at τ by quadrature (F = −τ ln P); x₂ integrates out. */
function doubleWellDeltaF(tau: number): number {
  const u = (x: number) => x ** 4 - 6 * x ** 2 + x;
  const h = 1e-4;
  let left = 0;
  let right = 0;
  for (let x = h / 2; x < 5; x += h) {
    right += Math.exp(-u(x) / tau);
    left += Math.exp(-u(-x) / tau);
  }
  return -tau * Math.log(right / left);
}

const TRAJECTORY = resolve('../shared/trajectories/xyz/test_trailing_blank_line.xyz');

describe('browser journey', () => {
  let wb: Workbench;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    wb = await startWorkbench();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await wb?.close();
  });

  it('trains, samples, analyses and exports through the UI', async () => {
    onTestFailed(async () => void (await shot(page, 'failure-journey')));
    const projectPath = join(wb.dir, 'journey.bgw');
    await page.goto(wb.server.pageUrl);
    await page.getByRole('heading', { name: 'Boltzmann Workbench' }).waitFor();

    // Empty state, keyboard shortcut and a readable contract error before any project exists.
    await page.getByText('Open or create a project to see its runs').waitFor();
    await page.keyboard.press('Control+o');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('open-path');
    await page.keyboard.type(join(wb.dir, 'missing', 'nowhere.bgw'));
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('banner').first().textContent())
      .toMatch(/project\.open: \w+: .+/);
    await page.getByTestId('banner').getByRole('button', { name: 'Dismiss' }).first().click();
    await page.keyboard.press('Control+n');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-path');

    // The OS theme decides light or dark.
    const background = () =>
      page.evaluate(() => getComputedStyle(document.body.parentElement!).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).not.toBe(dark);

    // Project: create one; it appears in the header and in the recent list.
    await page.getByTestId('new-path').fill(projectPath);
    await page.getByTestId('create-project').click();
    await page.getByTestId('current-project').waitFor();
    await page.getByTestId('recent-list').getByText(projectPath).waitFor();
    await shot(page, '1-project');

    // System: the double well's energy along x₁.
    await page.getByTestId('nav-system').click();
    await page.getByTestId('system-double-well').click();
    await waitForNumber(page, '[data-testid="energy-profile"]', 'data-points', 10);
    await shot(page, '2-system');

    // Data: drop a real XYZ file, atom 0 mapped onto the double well's (x₁, x₂).
    await page.getByTestId('nav-data').click();
    await page.getByTestId('import-atoms').fill('0');
    await page.getByLabel('units').selectOption('reduced');
    await page.getByText('allow 3rd axis to vary').click();
    await dropFile(page, page.getByTestId('dropzone'), TRAJECTORY);
    await page
      .getByTestId('datasets')
      .getByText('test_trailing_blank_line', { exact: false })
      .waitFor({ timeout: 60_000 });

    // …and simulate Metropolis data.
    await page.getByTestId('sim-frames').fill('500');
    await page.getByTestId('simulate').click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="datasets"] tbody tr').length >= 2,
      null,
      {
        timeout: 60_000,
      },
    );
    await waitForNumber(page, '[data-testid="rc-histogram"]', 'data-points', 5);
    await shot(page, '3-data');

    // Train: the smoke-test preset; the loss plot must grow while it runs.
    await page.getByTestId('nav-train').click();
    await page.getByTestId('spec-preset').selectOption('tiny');
    await page.getByTestId('apply-preset').click();
    await page.getByTestId('start-run').click();
    const first = await waitForNumber(page, '[data-testid="loss-plots"]', 'data-rows', 0, 120_000);
    // The page answers input while training runs: frames keep coming and a view switch is prompt.
    const worstFrameMs = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let last = performance.now();
          let worst = 0;
          const end = last + 1000;
          const tick = (now: number) => {
            worst = Math.max(worst, now - last);
            last = now;
            if (now < end) requestAnimationFrame(tick);
            else resolve(worst);
          };
          requestAnimationFrame(tick);
        }),
    );
    expect(worstFrameMs).toBeLessThan(250);
    const switchStarted = Date.now();
    await page.getByTestId('nav-system').click();
    await page.getByTestId('formula').waitFor();
    expect(Date.now() - switchStarted).toBeLessThan(1500);
    await page.getByTestId('nav-train').click();
    const later = await waitForNumber(page, '[data-testid="loss-plots"]', 'data-rows', first, 120_000);
    expect(later).toBeGreaterThan(first);
    await page.getByTestId('train-status').getByText('completed').waitFor({ timeout: 150_000 });
    await waitForNumber(page, '[data-testid="plot-loss"]', 'data-points', 30);
    await shot(page, '4-train');

    // Sample at τ = 1.5: points drawn, free-energy profile and energy histogram shown.
    await page.getByTestId('nav-sample').click();
    await page.getByTestId('sample-tau').fill('1.5');
    await page.getByTestId('sample-n').fill('2000');
    await page.getByTestId('sample-go').click();
    const instances = await waitForNumber(
      page,
      '[data-testid="viewer-stats"]',
      'data-instances',
      100,
      120_000,
    );
    expect(instances).toBe(1000); // the viewer fetches at most 1000 configurations
    const calls = await waitForNumber(page, '[data-testid="viewer-stats"]', 'data-calls', 0);
    expect(calls).toBeLessThanOrEqual(4); // instanced: a handful of draw calls, not one per point
    await waitForNumber(page, '[data-testid="free-energy"]', 'data-points', 5, 60_000);
    await waitForNumber(page, '[data-testid="energy-histogram"]', 'data-points', 5);
    await page.getByTestId('delta-f').waitFor();
    const pixels = await screenshotStats(
      page,
      page.getByTestId('viewer-canvas'),
      join(SHOTS_DIR, '5-viewer.png'),
    );
    expect(pixels.variance).toBeGreaterThan(20);
    expect(pixels.colours).toBeGreaterThan(10);
    await shot(page, '5-sample');

    // The learned map (2D): the latent grid warped into configuration space with data and samples
    // on top, then the configuration grid pulled back into latent space.
    const map = page.getByTestId('latent-map');
    await waitForNumber(page, '[data-testid="latent-map"]', 'data-points', 0, 30_000);
    expect(await map.getAttribute('data-lines')).toBe('42');
    await map.scrollIntoViewIfNeeded();
    await shot(page, '5-sample-map-forward');
    await page.getByTestId('map-inverse').click();
    await expect.poll(() => map.getAttribute('aria-label')).toContain('latent space');
    expect(Number(await map.getAttribute('data-points'))).toBeGreaterThan(0);
    await shot(page, '5-sample-map-inverse');

    // A second temperature, compared on the same axes with the exact double-well reference.
    await page.getByTestId('sample-tau').fill('1');
    await page.getByTestId('sample-go').click();
    await expect
      .poll(() => page.getByTestId('delta-f').textContent(), { timeout: 60_000 })
      .toContain('τ = 1)');
    // (training also drew its spec's own sample set at τ = 1; pick the τ = 1.5 one by its label)
    await page.getByTestId('compare-samples').selectOption({ label: 'τ = 1.5, n = 2000' });
    const legend = page.getByTestId('free-energy').locator('.u-legend');
    await expect.poll(() => legend.textContent(), { timeout: 30_000 }).toContain('τ = 1.5');
    expect(await legend.textContent()).toContain('exact F (quadrature)');
    await shot(page, '5-sample-compare');

    // The generator's ΔF and an umbrella-sampling reference run from the UI against the exact value
    // by quadrature (x₂ separates): ΔF = −ln(∫₀^∞ e^(−u) / ∫₋∞^0 e^(−u)), u = x₁⁴ − 6x₁² + x₁, τ = 1.
    const exact = doubleWellDeltaF(1);
    const bgDeltaF = Number(/ΔF = (-?[\d.]+)/.exec((await page.getByTestId('delta-f').textContent())!)![1]);
    expect(Math.abs(bgDeltaF - exact)).toBeLessThan(1);
    await page.getByText('Reference: umbrella sampling').click();
    await page.getByTestId('us-windows').fill('21');
    await page.getByTestId('us-steps').fill('3000');
    await page.getByLabel('force constant').fill('20');
    await page.getByTestId('us-passes').selectOption('forward');
    await page.getByTestId('us-go').click();
    await page.getByTestId('us-result').waitFor({ timeout: 90_000 });
    const usDeltaF = Number(/ΔF = (-?[\d.]+)/.exec((await page.getByTestId('us-result').textContent())!)![1]);
    expect(Math.abs(usDeltaF - exact)).toBeLessThan(1);
    await page.getByTestId('us-agreement').waitFor();
    await expect.poll(() => legend.textContent()).toContain('umbrella sampling');
    await shot(page, '5-sample-umbrella');

    // Export the profile as PLUMED fes.dat (browser mode: a real download) and as CSV written to a
    // path on the server; read both back.
    await page.getByTestId('nav-export').click();
    await page.getByTestId('export-what').selectOption('profile');
    await page.getByTestId('export-format').selectOption('plumed');
    await page.getByTestId('export-go').click();
    await page
      .getByTestId('export-name')
      .getByText(/\.dat$/)
      .waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.dat$/);
    const fes = readFileSync((await download.path())!, 'utf8');
    expect(fes).toMatch(/^#! FIELDS/m);
    const fesRows = fes.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(fesRows.length).toBeGreaterThan(5);
    // Columns rc, F, error; bins nobody visited read inf/nan (PLUMED's convention), everything else a number.
    const fesTable = fesRows.map((l) => l.trim().split(/\s+/).map(parseNumber));
    expect(
      fesTable.every((r) => r.length >= 2 && r.every((v) => v !== undefined) && Number.isFinite(r[0])),
    ).toBe(true);
    expect(fesTable.filter((r) => Number.isFinite(r[1])).length).toBeGreaterThan(10);
    expect(Math.min(...fesTable.map((r) => r[1]!).filter(Number.isFinite))).toBeCloseTo(0, 6);
    await expect.poll(() => page.getByTestId('export-preview').textContent()).toContain('#! FIELDS');

    const csvTarget = join(wb.dir, 'exports', 'profile.csv');
    await page.getByTestId('export-format').selectOption('csv');
    await page.getByTestId('export-path-input').fill(csvTarget);
    await page.getByTestId('export-go').click();
    await expect
      .poll(async () => (await page.getByTestId('export-path').textContent())?.trim())
      .toBe(csvTarget);
    const csv = readFileSync(csvTarget, 'utf8').trim().split('\n');
    expect(csv[0].split(',').length).toBeGreaterThanOrEqual(2);
    const values = csv.slice(1).map((l) => l.split(',').map(parseNumber));
    expect(values.length).toBeGreaterThan(10);
    expect(values.every((r) => r.every((v) => v !== undefined))).toBe(true);
    // The same profile as fes.dat (which keeps empty grid bins, the CSV does not): F agrees at each rc.
    for (const r of values) {
      const twin = fesTable.find((f) => Math.abs(f[0]! - r[0]!) < 1e-6);
      expect(twin, `rc ${r[0]} in fes.dat`).toBeDefined();
      if (Number.isFinite(r[1])) expect(twin![1]).toBeCloseTo(r[1]!, 5);
    }
    await shot(page, '6-export');

    // Reload: the project, the run and its status come back from the back end.
    await page.reload();
    await page.getByTestId('nav-project').click();
    await page.getByTestId('current-project').waitFor();
    const history = page.getByTestId('history');
    await history.locator('li[data-kind="run"]').first().waitFor();
    await expect
      .poll(() => history.locator('li[data-kind="run"] [data-testid="run-status"]').first().textContent())
      .toBe('completed');
    await history.locator('li[data-kind="dataset"]').first().waitFor();
    await shot(page, '7-history-after-reload');

    expect(pageErrors).toEqual([]);
  });

  it('draws 1000 dimer configurations as 38 000 spheres in a handful of draw calls', async () => {
    onTestFailed(async () => void (await shot(page, 'failure-dimer')));
    await page.getByTestId('nav-system').click();
    await page.getByTestId('system-dimer').click();
    await page.getByTestId('nav-train').click();
    await page.getByTestId('spec-preset').selectOption('tiny');
    await page.getByTestId('apply-preset').click();
    await page.getByTestId('start-run').click();
    // The new run becomes the selected one; only then does its status mean anything.
    await expect.poll(() => page.getByTestId('run-select').locator('option').count()).toBe(2);
    await expect
      .poll(() =>
        page.getByTestId('run-select').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      )
      .toMatch(/^dimer/);
    await page.getByTestId('train-status').getByText('completed').waitFor({ timeout: 150_000 });
    // Run comparison: the double-well run's curves overlaid on the dimer's.
    await page.getByTestId('compare-run').selectOption({ index: 1 });
    await waitForNumber(page, '[data-testid="plot-loss"]', 'data-points', 59);
    await shot(page, '8-train-compare');

    await page.getByTestId('nav-sample').click();
    await page.getByTestId('sample-tau').fill('1');
    await page.getByTestId('sample-n').fill('1000');
    await page.getByTestId('sample-go').click();
    const instances = await waitForNumber(
      page,
      '[data-testid="viewer-stats"]',
      'data-instances',
      37_999,
      120_000,
    );
    expect(instances).toBe(38_000);
    const calls = Number(await page.getByTestId('viewer-stats').getAttribute('data-calls'));
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(4); // box outline, solvent, dimer
    const stats = page.getByTestId('viewer-stats');
    console.log(
      `dimer overlay: ${instances} spheres, ${calls} draw calls, ${await stats.getAttribute('data-triangles')} triangles`,
    );
    await page.getByTestId('color-by').selectOption('none');
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    const pngBytes = readFileSync((await png.path())!);
    expect(pngBytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(pngBytes.length).toBeGreaterThan(5000);
    const pixels = await screenshotStats(
      page,
      page.getByTestId('viewer-canvas'),
      join(SHOTS_DIR, '8-dimer-viewer.png'),
    );
    expect(pixels.variance).toBeGreaterThan(20);
    await page.getByTestId('overlay').uncheck();
    await expect.poll(() => page.getByTestId('viewer-stats').getAttribute('data-instances')).toBe('38');
    await shot(page, '8-dimer-sample');
    expect(pageErrors).toEqual([]);
  });

  it('cancels a data job with Esc, cancels and resumes training, fine-tunes from a run', async () => {
    onTestFailed(async () => void (await shot(page, 'failure-cancel-resume')));
    const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.getByTestId('nav-system').click();
    await page.getByTestId('system-double-well').click();

    // A long Metropolis job: the job bar shows it, Esc cancels it, no dataset is added.
    await page.getByTestId('nav-data').click();
    const rows = page.locator('[data-testid="datasets"] tbody tr');
    const before = await rows.count();
    await page.getByTestId('sim-frames').fill('50000'); // 10⁸ MC steps per start: long enough to cancel
    await page.getByTestId('sim-stride').fill('2000');
    await page.getByTestId('simulate').click();
    await page.getByTestId('job-simulate').waitFor();
    await blur();
    await page.keyboard.press('Escape');
    await page.getByTestId('job-simulate').waitFor({ state: 'detached', timeout: 30_000 });
    await page.waitForTimeout(500);
    expect(await rows.count()).toBe(before);

    // Training started with Ctrl+Enter, cancelled part-way, resumed to the end.
    await page.getByTestId('nav-train').click();
    await page.getByTestId('spec-preset').selectOption('tiny');
    await page.getByTestId('apply-preset').click();
    // Long enough that a fast machine cannot finish it between seeing the first rows and the cancel.
    await page.getByLabel('stage 1 iterations').fill('1200');
    await page.getByLabel('stage 1 iterations').press('Tab');
    await blur();
    const runs = await page.getByTestId('run-select').locator('option').count();
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('run-select').locator('option').count()).toBe(runs + 1);
    await waitForNumber(page, '[data-testid="loss-plots"]', 'data-rows', 20, 60_000);
    await page.getByTestId('cancel-run').click();
    await expect
      .poll(() => page.getByTestId('train-status').textContent(), { timeout: 30_000 })
      .toMatch(/cancelled|interrupted/);
    const stoppedAt = Number((await page.getByTestId('train-iteration').textContent())!.split('/')[0]);
    expect(stoppedAt).toBeGreaterThan(20);
    expect(stoppedAt).toBeLessThan(1230);
    await page.getByTestId('resume-run').click();
    await page.getByTestId('train-status').getByText('completed').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('train-iteration').textContent()).toBe('1230 / 1230');
    await shot(page, '9-train-resumed');

    // Fine-tune: a new run starting from the resumed run's weights is recorded with its parent.
    const parentId = await page.getByTestId('run-select').inputValue();
    await page.getByLabel('stage 1 iterations').fill('10');
    await page.getByLabel('stage 1 iterations').press('Tab');
    await page.getByTestId('spec-init-from').selectOption(parentId);
    await page.getByTestId('start-run').click();
    await expect.poll(() => page.getByTestId('run-select').locator('option').count()).toBe(runs + 2);
    await page.getByTestId('train-status').getByText('completed').waitFor({ timeout: 120_000 });
    await page.getByTestId('nav-project').click();
    await page.getByTestId('history').getByText('fine-tuned from').first().waitFor();
    await shot(page, '10-history-fine-tune');
    expect(pageErrors).toEqual([]);
  });
});
