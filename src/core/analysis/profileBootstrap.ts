/**
 * Bootstrap error bars of a free-energy profile. Each replicate is aligned on the mean offset over the
 * bins both share, because a profile's additive constant is arbitrary: the error measures the shape.
 */
import type { ProfileBin } from '../../shared/runspec.js';

export class ProfileBootstrap {
  private readonly sum: Float64Array;
  private readonly sum2: Float64Array;
  private readonly count: Float64Array;

  /** `F` is the profile of the full sample (non-finite where a bin is dropped). */
  constructor(private readonly F: Float64Array) {
    this.sum = new Float64Array(F.length);
    this.sum2 = new Float64Array(F.length);
    this.count = new Float64Array(F.length);
  }

  /** Add one replicate's profile; a replicate sharing no bin with F is ignored. */
  add(Fb: ArrayLike<number>): void {
    const { F } = this;
    let offset = 0;
    let shared = 0;
    for (let k = 0; k < F.length; k++) {
      if (Number.isFinite(F[k]) && Number.isFinite(Fb[k])) {
        offset += Fb[k] - F[k];
        shared++;
      }
    }
    if (shared === 0) return;
    offset /= shared;
    for (let k = 0; k < F.length; k++) {
      if (Number.isFinite(F[k]) && Number.isFinite(Fb[k])) {
        const v = Fb[k] - offset;
        this.sum[k] += v;
        this.sum2[k] += v * v;
        this.count[k] += 1;
      }
    }
  }

  /** Profile bins with the replicates' standard deviation as error (0 with fewer than 2). */
  bins(lo: number, hi: number): ProfileBin[] {
    const { F, sum, sum2, count } = this;
    const width = (hi - lo) / F.length;
    const out: ProfileBin[] = [];
    for (let k = 0; k < F.length; k++) {
      if (!Number.isFinite(F[k])) continue;
      let error = 0;
      if (count[k] > 1) {
        const mean = sum[k] / count[k];
        error = Math.sqrt(Math.max(0, (sum2[k] - count[k] * mean * mean) / (count[k] - 1)));
      }
      out.push({ rc: lo + (k + 0.5) * width, F: F[k], error });
    }
    return out;
  }
}
