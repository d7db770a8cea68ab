import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { referenceDeltaF } from '../../src/core/analysis/quadrature.js';
import { createSystem } from '../../src/core/systems/catalog.js';
import { bgw } from './cli.js';

describe('bgw umbrella', () => {
  it('prints the stored umbrella analysis as JSON; ΔF near the double-well quadrature', async () => {
    const project = join(mkdtempSync(join(tmpdir(), 'bgw-cli-umbrella-')), 'p.bgw');
    const args = ['umbrella', project, '--system', 'double-well', '--temperature', '1', '--windows', '25'];
    const r = await bgw(
      [
        ...args,
        '--range=-2.6,2.6',
        '--force-constant',
        '40',
        '--steps',
        '4000',
        '--chains',
        '4',
        '--seed',
        '5',
        '--json',
      ],
      { BGW_JOB_MODE: 'inline' },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      analysisId: string;
      systemId: string;
      windows: unknown[];
      deltaF: { value: number; error: number };
      profile: { rc: number; F: number }[];
    };
    expect(out.systemId).toBe('double-well');
    expect(out.windows).toHaveLength(50);
    expect(out.profile.length).toBeGreaterThan(40);
    expect(Math.abs(out.deltaF.value - referenceDeltaF(createSystem({ id: 'double-well' }), 1))).toBeLessThan(
      0.3,
    );

    const h = await bgw(['history', project, '--json']);
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toContain(out.analysisId);
  }, 60_000);

  it('fails with one line for bad options and unknown systems', async () => {
    const project = join(mkdtempSync(join(tmpdir(), 'bgw-cli-umbrella-')), 'p.bgw');
    const umbrella = (system: string, ...extra: string[]) =>
      bgw(['umbrella', project, '--system', system, '--temperature', '1', ...extra], {
        BGW_JOB_MODE: 'inline',
      });
    const bad = await umbrella('double-well', '--passes', 'sideways');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--passes');
    const moves = await umbrella('dimer', '--moves', 'some');
    expect(moves.code).not.toBe(0);
    expect(moves.stderr).toContain('--moves must be all or particle');
    // Single-particle moves need a particle system: the service says which system has none.
    const notParticles = await umbrella('double-well', '--moves', 'particle');
    expect(notParticles.code).not.toBe(0);
    expect(notParticles.stderr).toContain('"double-well" has no per-particle energy');
    const unknown = await umbrella('triple-well');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim().split('\n').at(-1)).toMatch(/^bgw: error: .*triple-well/);
  }, 30_000);
});
