/**
 * The paper's particle dimer in a repulsive bath (Fig. 3): 38 particles in 2D, particles 0 and 1
 * form a bistable dimer, 2…37 are solvent; x = (x0, y0, x1, y1, …). Formula and parameters from the
 * paper's code (deep_boltzmann ParticleDimer); see SCIENCE.md. Energies and forces are hand-written
 * loops because pair sums as typed-array loops are ~20× faster than tensor ops (TOOLCHAIN.md).
 */
import { nativeAddon } from '../native/addon.js';
import { parameterInfo, resolveParams, type ParameterDef } from './params.js';
import type {
  Coordinates,
  EnergySystem,
  ParameterInfo,
  ParticleLayout,
  ReactionCoordinate,
  StateDefinition,
} from './types.js';

export const DIMER_PARTICLES = 38;
export const DIMER_SOLVENT = 36;

export const DIMER_PARAMS: readonly ParameterDef[] = [
  {
    name: 'eps',
    value: 1,
    description: 'ε: strength of the r⁻¹² repulsion between all pairs except the dimer bond',
  },
  { name: 'rm', value: 1.1, description: 'r_m: repulsion length (particle diameter)' },
  {
    name: 'slope',
    value: 2.0,
    description: 'Tilt of the dimer bond potential; positive favours the closed dimer',
  },
  { name: 'a', value: 25, description: 'Quadratic coefficient of the dimer bond potential (barrier)' },
  { name: 'b', value: 10, description: 'Quartic coefficient of the dimer bond potential (confinement)' },
  { name: 'dmid', value: 1.5, description: 'd_mid: dimer distance at the barrier' },
  { name: 'kd', value: 20, description: 'k_d: restraint keeping the dimer centred on the x axis' },
  { name: 'L', value: 3, description: 'Half-size of the box; walls at ±L' },
  { name: 'kbox', value: 100, description: 'Force constant of the box walls' },
];

/** "fig3": the tilted set behind the published Fig. 3; "table": the paper's parameter table. */
export const DIMER_PRESETS: Record<string, Record<string, number>> = {
  fig3: { slope: 2.0 },
  table: { slope: -0.5 },
};
export const DIMER_DEFAULT_PRESET = 'fig3';

export const DIMER_FORMULA =
  'u = k_d(x₀+x₁)² + k_d·y₀² + k_d·y₁² + slope·d₀ − a·d₀² + b·d₀⁴ (d₀ = 2(d − d_mid), d = |p₀ − p₁|) + Σ_particles Σ_{x,y} 2·k_box·max(0, |c| − L)² + ε·Σ_{i<j, (i,j)≠(0,1)} (r_m/r_ij)¹²';

export const DIMER_STATES: readonly [StateDefinition, StateDefinition] = [
  { name: 'closed', max: 1.5 },
  { name: 'open', min: 1.5 },
];

export const DIMER_RC = {
  id: 'd',
  label: 'dimer distance d',
  unit: 'reduced length',
  range: [0.5, 2.5] as const,
};

/**
 * The paper's initial configuration: dimer at (∓distance/2, 0), solvent on a 6×6 grid at
 * linspace(−L−1, L+1, 8)[1:−1] per axis (x index outer), everything scaled by `scaling`.
 */
export function dimerInitialConfiguration(dimerDistance: number, L: number, scaling = 1.05): Float64Array {
  const x = new Float64Array(2 * DIMER_PARTICLES);
  x[0] = -0.5 * dimerDistance;
  x[2] = 0.5 * dimerDistance;
  const side = Math.round(Math.sqrt(DIMER_SOLVENT));
  const lo = -L - 1;
  const step = (2 * L + 2) / (side + 1);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const p = 2 + i * side + j;
      x[2 * p] = lo + (i + 1) * step;
      x[2 * p + 1] = lo + (j + 1) * step;
    }
  }
  for (let c = 0; c < x.length; c++) x[c] *= scaling;
  return x;
}

/** The bistable bond slope·d₀ − a·d₀² + b·d₀⁴ at d₀ = 2(d − d_mid). */
function bondEnergy(d0: number, slope: number, a: number, b: number): number {
  const d02 = d0 * d0;
  return slope * d0 - a * d02 + b * d02 * d02;
}

/** The box wall on one coordinate c: 2·k_box·(|c| − L)² outside [−L, L]. */
function wallEnergy(c: number, L: number, kbox: number): number {
  const out = c > L ? c - L : c < -L ? c + L : 0;
  return 2 * kbox * out * out;
}

export class Dimer implements EnergySystem {
  readonly id = 'dimer';
  readonly name = 'Particle dimer in a repulsive bath (76D)';
  readonly dim = 2 * DIMER_PARTICLES;
  readonly formula = DIMER_FORMULA;
  readonly params: Readonly<Record<string, number>>;
  readonly states = DIMER_STATES;
  readonly reactionCoordinate: ReactionCoordinate;
  readonly layout: ParticleLayout;
  /** params in DIMER_PARAMS order, as the native kernel takes them. */
  private readonly nativeParams: Float64Array;

  constructor(overrides: Readonly<Record<string, number>> = {}) {
    this.params = resolveParams(this.id, DIMER_PARAMS, overrides);
    this.nativeParams = Float64Array.from(DIMER_PARAMS, (p) => this.params[p.name]);
    const { L, rm } = this.params;
    this.layout = {
      particles: DIMER_PARTICLES,
      spatialDims: 2,
      radius: 0.5 * rm,
      box: { min: [-L, -L], max: [L, L] },
      highlighted: [0, 1],
    };
    const dim = this.dim;
    this.reactionCoordinate = {
      ...DIMER_RC,
      particles: [0, 1],
      compute: (x: Coordinates, n: number): Float64Array => {
        const rc = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const o = i * dim;
          rc[i] = Math.hypot(x[o + 2] - x[o], x[o + 3] - x[o + 1]);
        }
        return rc;
      },
    };
  }

  parameterInfo(): ParameterInfo[] {
    return parameterInfo(DIMER_PARAMS, this.params);
  }

  energy(x: Coordinates, n: number): Float64Array {
    return this.compute(x, n, null);
  }

  energyAndForces(x: Coordinates, n: number): { energy: Float64Array; forces: Float64Array } {
    const forces = new Float64Array(n * this.dim);
    const energy = this.compute(x, n, forces);
    return { energy, forces };
  }

  /**
   * The terms of u that involve particle p: for the dimer's two particles the restraints and the
   * bond, for every particle its walls and its repulsion with all others (not across the bond).
   */
  particleEnergy(x: Float64Array, p: number): number {
    const { eps, rm, slope, a, b, dmid, kd, L, kbox } = this.params;
    let e = 0;
    if (p < 2) {
      const cx = x[0] + x[2];
      e += kd * cx * cx + kd * x[1] * x[1] + kd * x[3] * x[3];
      e += bondEnergy(2 * (Math.hypot(x[0] - x[2], x[1] - x[3]) - dmid), slope, a, b);
    }
    const vx = x[2 * p];
    const vy = x[2 * p + 1];
    e += wallEnergy(vx, L, kbox) + wallEnergy(vy, L, kbox);
    const rm2 = rm * rm;
    const partner = p === 0 ? 1 : p === 1 ? 0 : -1;
    let rep = 0;
    for (let q = 0; q < DIMER_PARTICLES; q++) {
      if (q === p || q === partner) continue;
      const rx = vx - x[2 * q];
      const ry = vy - x[2 * q + 1];
      const s2 = rm2 / (rx * rx + ry * ry);
      const s6 = s2 * s2 * s2;
      rep += s6 * s6;
    }
    return e + eps * rep;
  }

  /** Closed (distance 1.0) and open (distance 2.0) dimer, both scaled by 1.05. */
  initialConfigurations(): Float64Array[] {
    return [dimerInitialConfiguration(1.0, this.params.L), dimerInitialConfiguration(2.0, this.params.L)];
  }

  /**
   * One pass for energy and, when `forces` is given, −∇u (so both paths share the formula). Each
   * configuration is copied into float64 scratch arrays first: the pair loop then reads one array
   * type whatever the caller passed (float32 or float64), which keeps V8's loads monomorphic.
   */
  private compute(x: Coordinates, n: number, forces: Float64Array | null): Float64Array {
    const addon = nativeAddon();
    if (addon && (x instanceof Float32Array || x instanceof Float64Array)) {
      // The same formula in C (native/src/dimer.c), ~5x faster; this loop stays the reference.
      const u = new Float64Array(n);
      addon.dimer(x, n, this.nativeParams, u, forces);
      return u;
    }
    return this.computeHere(x, n, forces);
  }

  /** The TypeScript loop behind compute (also what the native kernel is tested against). */
  computeHere(x: Coordinates, n: number, forces: Float64Array | null): Float64Array {
    const { eps, rm, slope, a, b, dmid, kd, L, kbox } = this.params;
    const dim = this.dim;
    const P = DIMER_PARTICLES;
    const rm2 = rm * rm;
    const u = new Float64Array(n);
    const px = new Float64Array(P);
    const py = new Float64Array(P);
    const fx = new Float64Array(P);
    const fy = new Float64Array(P);
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      for (let p = 0; p < P; p++) {
        px[p] = x[o + 2 * p];
        py[p] = x[o + 2 * p + 1];
      }
      const x0 = px[0];
      const y0 = py[0];
      const x1 = px[1];
      const y1 = py[1];
      // Dimer restraints and bistable bond.
      const cx = x0 + x1;
      let e = kd * cx * cx + kd * y0 * y0 + kd * y1 * y1;
      const dx = x0 - x1;
      const dy = y0 - y1;
      const d = Math.sqrt(dx * dx + dy * dy);
      const d0 = 2 * (d - dmid);
      const d02 = d0 * d0;
      e += bondEnergy(d0, slope, a, b);
      // Box walls on every coordinate.
      for (let p = 0; p < P; p++) e += wallEnergy(px[p], L, kbox) + wallEnergy(py[p], L, kbox);
      if (!forces) {
        // Repulsion over all pairs except the dimer bond (0, 1).
        let rep = 0;
        for (let p = 0; p < P; p++) {
          const qx = px[p];
          const qy = py[p];
          for (let q = p === 0 ? 2 : p + 1; q < P; q++) {
            const rx = qx - px[q];
            const ry = qy - py[q];
            const s2 = rm2 / (rx * rx + ry * ry);
            const s6 = s2 * s2 * s2;
            rep += s6 * s6;
          }
        }
        u[i] = e + eps * rep;
        continue;
      }
      fx.fill(0);
      fy.fill(0);
      fx[0] -= 2 * kd * cx;
      fx[1] -= 2 * kd * cx;
      fy[0] -= 2 * kd * y0;
      fy[1] -= 2 * kd * y1;
      // dE/dd = 2·(slope − 2a·d0 + 4b·d0³); direction (p0 − p1)/d.
      const g = (2 * (slope - 2 * a * d0 + 4 * b * d02 * d0)) / d;
      fx[0] -= g * dx;
      fy[0] -= g * dy;
      fx[1] += g * dx;
      fy[1] += g * dy;
      for (let p = 0; p < P; p++) {
        const vx = px[p];
        const vy = py[p];
        if (vx > L) fx[p] -= 4 * kbox * (vx - L);
        else if (vx < -L) fx[p] -= 4 * kbox * (vx + L);
        if (vy > L) fy[p] -= 4 * kbox * (vy - L);
        else if (vy < -L) fy[p] -= 4 * kbox * (vy + L);
      }
      let rep = 0;
      for (let p = 0; p < P; p++) {
        const qx = px[p];
        const qy = py[p];
        let ax = 0;
        let ay = 0;
        for (let q = p === 0 ? 2 : p + 1; q < P; q++) {
          const rx = qx - px[q];
          const ry = qy - py[q];
          const r2 = rx * rx + ry * ry;
          const s2 = rm2 / r2;
          const s6 = s2 * s2 * s2;
          const pe = s6 * s6;
          rep += pe;
          // −∂/∂r_p of ε(r_m/r)¹² = 12ε(r_m/r)¹²/r² · (r_p − r_q).
          const f = (12 * eps * pe) / r2;
          ax += f * rx;
          ay += f * ry;
          fx[q] -= f * rx;
          fy[q] -= f * ry;
        }
        fx[p] += ax;
        fy[p] += ay;
      }
      u[i] = e + eps * rep;
      for (let p = 0; p < P; p++) {
        forces[o + 2 * p] = fx[p];
        forces[o + 2 * p + 1] = fy[p];
      }
    }
    return u;
  }
}
