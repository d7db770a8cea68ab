import { describe, expect, it } from 'vitest';
import { SystemInfo } from '../../../src/shared/contract.js';
import { createSystem, listSystems } from '../../../src/core/systems/catalog.js';

describe('system catalogue', () => {
  it('lists the three systems in the contract shape', () => {
    const list = listSystems();
    expect(list.map((s) => s.id)).toEqual(['double-well', 'mueller-brown', 'dimer']);
    for (const s of list) expect(() => SystemInfo.parse(s)).not.toThrow();
    const dimer = list.find((s) => s.id === 'dimer');
    expect(Object.keys(dimer?.presets ?? {})).toEqual(['fig3', 'table']);
    expect(dimer?.presets.fig3.slope).toBe(2);
    expect(dimer?.presets.table.slope).toBe(-0.5);
    expect(dimer?.layout?.particles).toBe(38);
    expect(list.find((s) => s.id === 'double-well')?.layout).toBeNull();
    for (const s of list) {
      expect(s.params.length).toBeGreaterThan(0);
      for (const p of s.params) expect(p.description.length).toBeGreaterThan(5);
    }
  });

  it('builds systems with presets and parameter overrides', () => {
    expect(createSystem({ id: 'dimer' }).params.slope).toBe(2);
    expect(createSystem({ id: 'dimer', preset: 'table' }).params.slope).toBe(-0.5);
    const edited = createSystem({ id: 'dimer', preset: 'table', params: { kbox: 50 } });
    expect(edited.params.kbox).toBe(50);
    expect(edited.params.slope).toBe(-0.5);
    expect(
      createSystem({ id: 'mueller-brown', params: { k: 0.2 } }).energy(Float64Array.of(0.623, 0.028), 1)[0],
    ).toBeCloseTo(-21.6, 0);
  });

  it('names the bad id, preset or parameter and lists the valid ones', () => {
    expect(() => createSystem({ id: 'argon' })).toThrow(/"argon".*double-well, mueller-brown, dimer/);
    expect(() => createSystem({ id: 'dimer', preset: 'fig2' })).toThrow(/"fig2".*fig3, table/);
    expect(() => createSystem({ id: 'double-well', params: { slope: 1 } })).toThrow(/"slope".*a4, a2, a1, k/);
  });
});
