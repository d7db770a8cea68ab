/**
 * What systems.energyProfile means per system, so plots say it honestly. For 2D systems it is the
 * effective potential −ln∫e^(−u) over the coordinate orthogonal to the reaction coordinate: the
 * exact F at τ = 1, and at every τ for the double well (x₂ separates, F(x₁) = u(x₁) + const in kT₀).
 * For the dimer it is the bond energy along d alone, not a free energy.
 */
export interface CurveMeaning {
  axisLabel: string;
  title: string;
  /** Whether the curve is the exact free energy at temperature τ (usable as a reference). */
  isExactF(temperature: number): boolean;
}

export function curveMeaning(system: { id: string; dim: number }): CurveMeaning {
  if (system.dim === 2) {
    const separable = system.id === 'double-well';
    return {
      axisLabel: 'F at τ = 1 (kT₀)',
      title:
        'Effective potential along the reaction coordinate: −ln∫e^(−u) over the orthogonal coordinate (exact F at τ = 1)',
      isExactF: (t) => separable || Math.abs(t - 1) < 1e-12,
    };
  }
  return {
    axisLabel: 'bond energy (kT₀)',
    title: 'Dimer bond energy along the reaction coordinate (solvent terms excluded)',
    isExactF: () => false,
  };
}
