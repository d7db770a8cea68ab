/**
 * What every energy model offers. Coordinates are flat row-major batches: configuration i is
 * x[i*dim … i*dim+dim-1]; for particle systems that is (x0, y0, x1, y1, …). Energies are
 * dimensionless, in kT at the reference temperature (kT₀); forces are −∇u in kT₀ per length unit.
 */
export type Coordinates = Float32Array | Float64Array;

/** A named region of the reaction coordinate, e.g. the left well or the closed dimer. */
export interface StateDefinition {
  readonly name: string;
  /** Inclusive lower bound on the reaction coordinate (−∞ when absent). */
  readonly min?: number;
  /** Exclusive upper bound on the reaction coordinate (+∞ when absent). */
  readonly max?: number;
}

export interface ReactionCoordinate {
  readonly id: string;
  readonly label: string;
  /** Unit shown on axes, e.g. "reduced length". */
  readonly unit: string;
  /** Range a histogram of this coordinate normally covers. */
  readonly range: readonly [number, number];
  compute(x: Coordinates, n: number): Float64Array;
  /** Particles whose coordinates it reads (absent: it may read any coordinate). */
  readonly particles?: readonly number[];
}

/** How the 3D viewer draws a configuration: particles in a 2D box. */
export interface ParticleLayout {
  readonly particles: number;
  readonly spatialDims: 2;
  /** Drawing radius in reduced length units. */
  readonly radius: number;
  readonly box: { readonly min: readonly [number, number]; readonly max: readonly [number, number] };
  /** Particles drawn highlighted (the dimer). */
  readonly highlighted: readonly number[];
}

export interface ParameterInfo {
  readonly name: string;
  readonly value: number;
  readonly description: string;
}

export interface EnergySystem {
  /** Catalogue id, e.g. "double-well", "mueller-brown", "dimer". */
  readonly id: string;
  readonly name: string;
  readonly dim: number;
  readonly params: Readonly<Record<string, number>>;
  /** Human-readable formula for the UI. */
  readonly formula: string;
  /** Energies u(x) in kT₀, float64. */
  energy(x: Coordinates, n: number): Float64Array;
  /** Energies and forces −∇u in one pass. */
  energyAndForces(x: Coordinates, n: number): { energy: Float64Array; forces: Float64Array };
  /** Primary reaction coordinate (states are defined on it). */
  readonly reactionCoordinate: ReactionCoordinate;
  /** Exactly two named states; ΔF is F(states[1]) − F(states[0]). */
  readonly states: readonly [StateDefinition, StateDefinition];
  /** A sensible starting configuration for MC, one per state where that matters. */
  initialConfigurations(): Float64Array[];
  readonly layout?: ParticleLayout;
  /**
   * Particle systems: the terms of u (kT₀) that involve particle p, for one configuration. Moving
   * only p changes u by the change of this sum, which single-particle Monte Carlo needs in O(N).
   */
  particleEnergy?(x: Float64Array, p: number): number;
}
