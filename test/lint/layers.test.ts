import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function cruise(target: string): Violation[] {
  const out = execFileSync(
    'npx',
    ['depcruise', target, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    // depcruise exits non-zero on violations; the JSON report is what we read.
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

function cruiseAllowingFailure(target: string): Violation[] {
  try {
    return cruise(target);
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
  }
}

describe('layer rules (DESIGN.md)', () => {
  it('reject a planted electron import in core and a core import in the renderer', () => {
    const violations = cruiseAllowingFailure('test/fixtures/layering');
    const rules = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(rules).toContainEqual(
      expect.stringMatching(/^core-no-electron-dom-store: .*src\/core\/plantedElectron\.ts -> .*electron/),
    );
    expect(rules).toContainEqual(
      expect.stringMatching(/^renderer-only-shared: .*src\/renderer\/plantedCore\.ts/),
    );
    // The clean main -> shared import is allowed.
    expect(rules.filter((r) => r.includes('src/main/clean.ts'))).toEqual([]);
  });

  it('hold for the real source tree', () => {
    expect(cruiseAllowingFailure('src')).toEqual([]);
  });
});
