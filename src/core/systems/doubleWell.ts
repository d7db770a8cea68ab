/**
 * Double well of the paper's Fig. 2: u = a4·x1⁴ − a2·x1² + a1·x1 + ½k·x2² (kT₀).
 * Parameter names follow the paper's code (deep_boltzmann DoubleWell).
 */
import { parameterInfo, resolveParams, type ParameterDef } from './params.js';
import type {
  Coordinates,
  EnergySystem,
  ParameterInfo,
  ReactionCoordinate,
  StateDefinition,
} from './types.js';

export const DOUBLE_WELL_PARAMS: readonly ParameterDef[] = [
  { name: 'a4', value: 1, description: 'Quartic coefficient along x1' },
  { name: 'a2', value: 6, description: 'Quadratic coefficient along x1 (barrier height grows with it)' },
  { name: 'a1', value: 1, description: 'Linear tilt along x1 (makes the left well deeper)' },
  { name: 'k', value: 1, description: 'Harmonic force constant along x2' },
];

export const DOUBLE_WELL_FORMULA = 'u(x₁, x₂) = a4·x₁⁴ − a2·x₁² + a1·x₁ + ½·k·x₂²';

export const DOUBLE_WELL_STATES: readonly [StateDefinition, StateDefinition] = [
  { name: 'left', max: 0 },
  { name: 'right', min: 0 },
];

export const DOUBLE_WELL_RC = { id: 'x1', label: 'x₁', unit: 'reduced length', range: [-2.5, 2.5] as const };

export class DoubleWell implements EnergySystem {
  readonly id = 'double-well';
  readonly name = 'Double well (2D)';
  readonly dim = 2;
  readonly formula = DOUBLE_WELL_FORMULA;
  readonly params: Readonly<Record<string, number>>;
  readonly states = DOUBLE_WELL_STATES;
  readonly reactionCoordinate: ReactionCoordinate;
  private readonly a4: number;
  private readonly a2: number;
  private readonly a1: number;
  private readonly k: number;

  constructor(overrides: Readonly<Record<string, number>> = {}) {
    this.params = resolveParams(this.id, DOUBLE_WELL_PARAMS, overrides);
    ({ a4: this.a4, a2: this.a2, a1: this.a1, k: this.k } = this.params as Record<string, number>);
    this.reactionCoordinate = {
      ...DOUBLE_WELL_RC,
      compute: (x: Coordinates, n: number): Float64Array => {
        const rc = new Float64Array(n);
        for (let i = 0; i < n; i++) rc[i] = x[2 * i];
        return rc;
      },
    };
  }

  parameterInfo(): ParameterInfo[] {
    return parameterInfo(DOUBLE_WELL_PARAMS, this.params);
  }

  energy(x: Coordinates, n: number): Float64Array {
    const { a4, a2, a1, k } = this;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x1 = x[2 * i];
      const x2 = x[2 * i + 1];
      const s = x1 * x1;
      u[i] = a4 * s * s - a2 * s + a1 * x1 + 0.5 * k * x2 * x2;
    }
    return u;
  }

  energyAndForces(x: Coordinates, n: number): { energy: Float64Array; forces: Float64Array } {
    const { a4, a2, a1, k } = this;
    const energy = new Float64Array(n);
    const forces = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const x1 = x[2 * i];
      const x2 = x[2 * i + 1];
      const s = x1 * x1;
      energy[i] = a4 * s * s - a2 * s + a1 * x1 + 0.5 * k * x2 * x2;
      forces[2 * i] = -(4 * a4 * s * x1 - 2 * a2 * x1 + a1);
      forces[2 * i + 1] = -k * x2;
    }
    return { energy, forces };
  }

  /** The paper's training-data starts: one per well. */
  initialConfigurations(): Float64Array[] {
    return [Float64Array.of(-1.8, 0), Float64Array.of(1.8, 0)];
  }
}
