/**
 * The system catalogue: what the UI lists (descriptors) and the one factory every caller uses to
 * build an EnergySystem from a RunSpec's { id, preset, params }.
 */
import {
  Dimer,
  DIMER_DEFAULT_PRESET,
  DIMER_FORMULA,
  DIMER_PARAMS,
  DIMER_PRESETS,
  DIMER_RC,
  DIMER_STATES,
} from './dimer.js';
import {
  DoubleWell,
  DOUBLE_WELL_FORMULA,
  DOUBLE_WELL_PARAMS,
  DOUBLE_WELL_RC,
  DOUBLE_WELL_STATES,
} from './doubleWell.js';
import {
  MuellerBrown,
  MUELLER_BROWN_FORMULA,
  MUELLER_BROWN_PARAMS,
  MUELLER_BROWN_RC,
  MUELLER_BROWN_STATES,
} from './muellerBrown.js';
import type { ParameterDef } from './params.js';
import type { EnergySystem, ParameterInfo, StateDefinition } from './types.js';

export interface SystemDescriptor {
  id: string;
  name: string;
  dim: number;
  formula: string;
  /** Full parameter sets by preset name; the first key is the default preset. */
  presets: Record<string, Record<string, number>>;
  /** Parameters of the default preset, with descriptions. */
  params: ParameterInfo[];
  reactionCoordinate: { id: string; label: string; unit: string; range: [number, number] };
  states: StateDefinition[];
  layout: {
    particles: number;
    radius: number;
    box: { min: [number, number]; max: [number, number] };
    highlighted: number[];
  } | null;
  /** Whether Monte Carlo can move one particle at a time (the system has a per-particle energy). */
  particleMoves: boolean;
}

interface Entry {
  id: string;
  name: string;
  dim: number;
  formula: string;
  defs: readonly ParameterDef[];
  /** Partial overrides on top of the defaults, by preset name. */
  presets: Record<string, Record<string, number>>;
  defaultPreset: string;
  rc: { id: string; label: string; unit: string; range: readonly [number, number] };
  states: readonly StateDefinition[];
  make(params: Record<string, number>): EnergySystem;
}

const ENTRIES: readonly Entry[] = [
  {
    id: 'double-well',
    name: 'Double well (2D)',
    dim: 2,
    formula: DOUBLE_WELL_FORMULA,
    defs: DOUBLE_WELL_PARAMS,
    presets: { default: {} },
    defaultPreset: 'default',
    rc: DOUBLE_WELL_RC,
    states: DOUBLE_WELL_STATES,
    make: (p) => new DoubleWell(p),
  },
  {
    id: 'mueller-brown',
    name: 'Müller–Brown (2D)',
    dim: 2,
    formula: MUELLER_BROWN_FORMULA,
    defs: MUELLER_BROWN_PARAMS,
    presets: { default: {} },
    defaultPreset: 'default',
    rc: MUELLER_BROWN_RC,
    states: MUELLER_BROWN_STATES,
    make: (p) => new MuellerBrown(p),
  },
  {
    id: 'dimer',
    name: 'Particle dimer in a repulsive bath (76D)',
    dim: 76,
    formula: DIMER_FORMULA,
    defs: DIMER_PARAMS,
    presets: DIMER_PRESETS,
    defaultPreset: DIMER_DEFAULT_PRESET,
    rc: DIMER_RC,
    states: DIMER_STATES,
    make: (p) => new Dimer(p),
  },
];

function entry(id: string): Entry {
  const e = ENTRIES.find((s) => s.id === id);
  if (!e) throw new Error(`Unknown system "${id}"; valid systems: ${ENTRIES.map((s) => s.id).join(', ')}`);
  return e;
}

function presetValues(e: Entry, preset: string): Record<string, number> {
  const over = e.presets[preset];
  if (!over) {
    throw new Error(
      `Unknown preset "${preset}" for system "${e.id}"; valid presets: ${Object.keys(e.presets).join(', ')}`,
    );
  }
  const out: Record<string, number> = {};
  for (const d of e.defs) out[d.name] = d.name in over ? over[d.name] : d.value;
  return out;
}

export function createSystem(spec: {
  id: string;
  preset?: string;
  params?: Record<string, number>;
}): EnergySystem {
  const e = entry(spec.id);
  const base = presetValues(e, spec.preset ?? e.defaultPreset);
  for (const key of Object.keys(spec.params ?? {})) {
    if (!(key in base)) {
      throw new Error(
        `Unknown parameter "${key}" for system "${e.id}"; valid parameters: ${e.defs.map((d) => d.name).join(', ')}`,
      );
    }
  }
  return e.make({ ...base, ...spec.params });
}

/** Whether Monte Carlo can move one particle at a time: 2D particles with a per-particle energy. */
export function canMoveParticles(system: EnergySystem): boolean {
  return typeof system.particleEnergy === 'function' && system.layout?.spatialDims === 2;
}

export function listSystems(): SystemDescriptor[] {
  return ENTRIES.map((e) => {
    const presets: Record<string, Record<string, number>> = {};
    // Default preset first so the UI can take the first key.
    for (const name of [e.defaultPreset, ...Object.keys(e.presets).filter((p) => p !== e.defaultPreset)]) {
      presets[name] = presetValues(e, name);
    }
    const values = presets[e.defaultPreset];
    const sys = e.make(values);
    const layout = sys.layout
      ? {
          particles: sys.layout.particles,
          radius: sys.layout.radius,
          box: {
            min: [sys.layout.box.min[0], sys.layout.box.min[1]] as [number, number],
            max: [sys.layout.box.max[0], sys.layout.box.max[1]] as [number, number],
          },
          highlighted: [...sys.layout.highlighted],
        }
      : null;
    return {
      id: e.id,
      name: e.name,
      dim: e.dim,
      formula: e.formula,
      presets,
      params: e.defs.map((d) => ({ name: d.name, value: values[d.name], description: d.description })),
      reactionCoordinate: {
        id: e.rc.id,
        label: e.rc.label,
        unit: e.rc.unit,
        range: [e.rc.range[0], e.rc.range[1]],
      },
      states: e.states.map((s) => ({ ...s })),
      layout,
      particleMoves: canMoveParticles(sys),
    };
  });
}
