/**
 * Müller–Brown potential of the paper's Fig. 2, scaled by k:
 * u = k·Σⱼ Aⱼ exp(aⱼ(x1−Xⱼ)² + bⱼ(x1−Xⱼ)(x2−Yⱼ) + cⱼ(x2−Yⱼ)²), in kT₀.
 * Reaction coordinate 0.7·x1 − 0.7·x2 (the paper's projection).
 */
import { parameterInfo, resolveParams, type ParameterDef } from './params.js';
import type {
  Coordinates,
  EnergySystem,
  ParameterInfo,
  ReactionCoordinate,
  StateDefinition,
} from './types.js';

const A = [-200, -100, -170, 15];
const AA = [-1, -1, -6.5, 0.7];
const BB = [0, 0, 11, 0.6];
const CC = [-10, -10, -6.5, 0.7];
const XX = [1, 0, -0.5, -1];
const YY = [0, 0.5, 1.5, 1];

export const MUELLER_BROWN_PARAMS: readonly ParameterDef[] = [
  {
    name: 'k',
    value: 0.1,
    description: 'Overall energy scale (kT₀ per Müller–Brown unit); larger k means higher barriers',
  },
];

export const MUELLER_BROWN_FORMULA =
  'u = k·Σⱼ Aⱼ·exp(aⱼ(x₁−Xⱼ)² + bⱼ(x₁−Xⱼ)(x₂−Yⱼ) + cⱼ(x₂−Yⱼ)²), A = (−200, −100, −170, 15), a = (−1, −1, −6.5, 0.7), b = (0, 0, 11, 0.6), c = (−10, −10, −6.5, 0.7), X = (1, 0, −0.5, −1), Y = (0, 0.5, 1.5, 1)';

/**
 * The two deepest basins: A near (−0.56, 1.44), rc ≈ −1.40 (u = −14.7 at k = 0.1) and B near
 * (0.62, 0.03), rc ≈ +0.42 (u = −10.8). The shallow intermediate minimum near (−0.05, 0.47),
 * rc ≈ −0.36, lies on B's side of the split. The split sits at the maximum of the quadrature
 * profile between A and that minimum (rc ≈ −1.0 at τ = 1, k = 0.1; F there ≈ 10.6 kT₀ above A).
 */
export const MUELLER_BROWN_SPLIT = -1.0;

export const MUELLER_BROWN_STATES: readonly [StateDefinition, StateDefinition] = [
  { name: 'A', max: MUELLER_BROWN_SPLIT },
  { name: 'B', min: MUELLER_BROWN_SPLIT },
];

export const MUELLER_BROWN_RC = {
  id: 'proj',
  label: '0.7·x₁ − 0.7·x₂',
  unit: 'reduced length',
  range: [-2.0, 1.0] as const,
};

export class MuellerBrown implements EnergySystem {
  readonly id = 'mueller-brown';
  readonly name = 'Müller–Brown (2D)';
  readonly dim = 2;
  readonly formula = MUELLER_BROWN_FORMULA;
  readonly params: Readonly<Record<string, number>>;
  readonly states = MUELLER_BROWN_STATES;
  readonly reactionCoordinate: ReactionCoordinate;
  private readonly k: number;

  constructor(overrides: Readonly<Record<string, number>> = {}) {
    this.params = resolveParams(this.id, MUELLER_BROWN_PARAMS, overrides);
    this.k = this.params.k;
    this.reactionCoordinate = {
      ...MUELLER_BROWN_RC,
      compute: (x: Coordinates, n: number): Float64Array => {
        const rc = new Float64Array(n);
        for (let i = 0; i < n; i++) rc[i] = 0.7 * x[2 * i] - 0.7 * x[2 * i + 1];
        return rc;
      },
    };
  }

  parameterInfo(): ParameterInfo[] {
    return parameterInfo(MUELLER_BROWN_PARAMS, this.params);
  }

  energy(x: Coordinates, n: number): Float64Array {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x1 = x[2 * i];
      const x2 = x[2 * i + 1];
      let s = 0;
      for (let j = 0; j < 4; j++) {
        const dx = x1 - XX[j];
        const dy = x2 - YY[j];
        s += A[j] * Math.exp(AA[j] * dx * dx + BB[j] * dx * dy + CC[j] * dy * dy);
      }
      u[i] = this.k * s;
    }
    return u;
  }

  energyAndForces(x: Coordinates, n: number): { energy: Float64Array; forces: Float64Array } {
    const energy = new Float64Array(n);
    const forces = new Float64Array(2 * n);
    const k = this.k;
    for (let i = 0; i < n; i++) {
      const x1 = x[2 * i];
      const x2 = x[2 * i + 1];
      let s = 0;
      let g1 = 0;
      let g2 = 0;
      for (let j = 0; j < 4; j++) {
        const dx = x1 - XX[j];
        const dy = x2 - YY[j];
        const t = A[j] * Math.exp(AA[j] * dx * dx + BB[j] * dx * dy + CC[j] * dy * dy);
        s += t;
        g1 += t * (2 * AA[j] * dx + BB[j] * dy);
        g2 += t * (BB[j] * dx + 2 * CC[j] * dy);
      }
      energy[i] = k * s;
      forces[2 * i] = -k * g1;
      forces[2 * i + 1] = -k * g2;
    }
    return { energy, forces };
  }

  /** Minima of the two named basins. */
  initialConfigurations(): Float64Array[] {
    return [Float64Array.of(-0.558, 1.442), Float64Array.of(0.623, 0.028)];
  }
}
