/** Page-level helpers: real drop events with real files, pixel checks, screenshots. */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const SHOTS_DIR = resolve('test-results/e2e');

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Drop a file from disk onto `target` the way a user does: a DataTransfer holding a File with
 * the file's bytes, dispatched as dragenter/dragover/drop DOM events.
 */
export async function dropFile(page: Page, target: Locator, filePath: string): Promise<void> {
  const base64 = readFileSync(filePath).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name }) => {
      const bin = atob(base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
      return dt;
    },
    { base64, name: basename(filePath) },
  );
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

export interface PixelStats {
  width: number;
  height: number;
  /** Variance of luminance over all pixels (0 for a blank image). */
  variance: number;
  /** Distinct colours among sampled pixels. */
  colours: number;
}

/** Screenshot an element and measure its pixels (decoded by the browser's own PNG decoder). */
export async function screenshotStats(page: Page, target: Locator, savePath?: string): Promise<PixelStats> {
  const png = await target.screenshot(savePath ? { path: savePath } : {});
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    let sum2 = 0;
    const seen = new Set<number>();
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
      sum += y;
      sum2 += y * y;
      if ((i / 4) % 7 === 0) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    const mean = sum / n;
    return { width: c.width, height: c.height, variance: sum2 / n - mean * mean, colours: seen.size };
  }, png.toString('base64'));
}

/** Wait until an attribute holds a number above `min`; returns it. */
export async function waitForNumber(
  page: Page,
  selector: string,
  attr: string,
  min: number,
  timeout = 60_000,
): Promise<number> {
  const handle = await page.waitForFunction(
    ({ selector, attr, min }) => {
      const el = document.querySelector(selector);
      const v = el ? Number(el.getAttribute(attr)) : NaN;
      return Number.isFinite(v) && v > min ? v : null;
    },
    { selector, attr, min },
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as number;
}
