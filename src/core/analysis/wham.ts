/**
 * Binned WHAM (Kumar et al. 1992) for harmonic umbrella windows on one reaction coordinate:
 * p_k ∝ Σ_i n_ik / Σ_i N_i exp(f_i − β b_i(x_k)),  exp(−f_i) = Σ_k p_k exp(−β b_i(x_k)),
 * iterated in log space until max |Δf_i| < tolerance. F_k = −τ ln p_k in kT₀, min F = 0.
 * The equations run on sub-bins (default 10 per output bin) so the bias is evaluated close to each
 * sample; with coarse bins the bin-centre bias is off by several kT on steep windows.
 * Errors: bootstrap over each window's samples (samples are time-correlated, so these are lower
 * bounds unless the stride decorrelates them).
 */
import type { ProfileBin } from '../../shared/runspec.js';
import type { Rng } from '../random.js';
import { logSumExp } from './ess.js';
import { binIndex } from './histogram.js';
import { ProfileBootstrap } from './profileBootstrap.js';

export interface WhamOptions {
  forceConstant: number;
  temperature: number;
  bins: number;
  range: readonly [number, number];
  /** Convergence on the window free energies f_i (dimensionless). */
  tolerance: number;
  maxIterations?: number;
  /** Internal sub-bins per output bin (default 10). */
  subBins?: number;
  /** Bootstrap resamples for errors (default 0: errors 0). */
  bootstrap?: number;
  rng?: Rng;
}

interface Binned {
  counts: Float64Array[];
  totals: Float64Array;
}

function binWindows(
  windows: readonly { rc: ArrayLike<number> }[],
  opts: WhamOptions,
  rng: Rng | null,
): Binned {
  const [lo, hi] = opts.range;
  const counts = windows.map(() => new Float64Array(opts.bins));
  const totals = new Float64Array(windows.length);
  windows.forEach((w, i) => {
    const n = w.rc.length;
    for (let j = 0; j < n; j++) {
      const v = w.rc[rng ? rng.int(n) : j];
      const k = binIndex(v, lo, hi, opts.bins);
      if (k >= 0) {
        counts[i][k] += 1;
        totals[i] += 1;
      }
    }
  });
  return { counts, totals };
}

/**
 * Solves the WHAM equations by damped Newton on their convex likelihood (the plain self-consistent
 * iteration needs thousands of sweeps with many windows):
 * A(f) = Σ_k n_k ln Σ_i N_i e^{f_i − βb_ik} − Σ_i N_i f_i, with f_0 = 0 fixed.
 * Returns log p_k (−Infinity for empty bins) and f.
 */
function solve(
  binned: Binned,
  centers: readonly number[],
  opts: WhamOptions,
  fStart: Float64Array | null,
): { logP: Float64Array; f: Float64Array } {
  const { bins, temperature, forceConstant } = opts;
  const [lo, hi] = opts.range;
  const m = centers.length;
  const width = (hi - lo) / bins;
  const used: number[] = [];
  const nk: number[] = [];
  for (let k = 0; k < bins; k++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += binned.counts[i][k];
    if (s > 0) {
      used.push(k);
      nk.push(s);
    }
  }
  const K = used.length;
  // logN_i − βb_ik on the occupied bins.
  const base: Float64Array[] = centers.map((c, i) => {
    const row = new Float64Array(K);
    const logN = Math.log(binned.totals[i]);
    used.forEach((k, j) => {
      const d = lo + (k + 0.5) * width - c;
      row[j] = logN - (0.5 * forceConstant * d * d) / temperature;
    });
    return row;
  });
  const N = binned.totals;
  const start = fStart ?? chainedStart(binned, base, centers, used);
  const f = Float64Array.from(start, (v) => v - start[0]);
  const logD = new Float64Array(K);
  const tmp = new Float64Array(m);
  const objective = (ff: Float64Array): number => {
    let a = 0;
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < m; i++) tmp[i] = base[i][j] + ff[i];
      logD[j] = logSumExp(tmp);
      a += nk[j] * logD[j];
    }
    for (let i = 0; i < m; i++) a -= N[i] * ff[i];
    return a;
  };
  const maxIt = opts.maxIterations ?? 200;
  let value = objective(f);
  for (let it = 0; it < maxIt; it++) {
    // Gradient and Hessian over f_1…f_{m−1} (logD is current from the last objective call).
    const g = new Float64Array(m);
    const H: Float64Array[] = Array.from({ length: m }, () => new Float64Array(m));
    const W = new Float64Array(m);
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < m; i++) W[i] = Math.exp(base[i][j] + f[i] - logD[j]);
      for (let i = 0; i < m; i++) {
        if (W[i] === 0) continue;
        g[i] += nk[j] * W[i];
        H[i][i] += nk[j] * W[i];
        for (let l = 0; l < m; l++) H[i][l] -= nk[j] * W[i] * W[l];
      }
    }
    for (let i = 0; i < m; i++) g[i] -= N[i];
    const step = solveLinear(H, g, 1);
    let t = 1;
    let accepted = false;
    let maxStep = 0;
    const trial = new Float64Array(m);
    while (t > 1e-10) {
      for (let i = 0; i < m; i++) trial[i] = i === 0 ? 0 : f[i] - t * step[i];
      const v = objective(trial);
      if (v <= value + 1e-12 * Math.abs(value)) {
        maxStep = 0;
        for (let i = 0; i < m; i++) maxStep = Math.max(maxStep, Math.abs(trial[i] - f[i]));
        f.set(trial);
        value = v;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted || maxStep < opts.tolerance) break;
  }
  objective(f);
  const logP = new Float64Array(bins).fill(-Infinity);
  used.forEach((k, j) => {
    logP[k] = Math.log(nk[j]) - logD[j];
  });
  return { logP, f };
}

/**
 * Starting window free energies for Newton: each window's unbiased log histogram
 * (ln n_ik + βb_ik, up to a constant) is aligned onto the windows before it in rc order, and
 * f_i = −ln Σ_k p_k e^{−βb_ik}. From f = 0 Newton can fail outright on stiff, well-separated
 * windows (barriers of tens of kT): the Hessian there is nearly singular.
 */
function chainedStart(
  binned: Binned,
  base: Float64Array[],
  centers: readonly number[],
  used: number[],
): Float64Array {
  const m = centers.length;
  const K = used.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => centers[a] - centers[b]);
  // base_ij = ln N_i − βb_ij, so ln n_ij − base_ij + ln N_i = ln n_ij + βb_ij.
  const accSum = new Float64Array(K);
  const accW = new Float64Array(K);
  for (const i of order) {
    const logN = Math.log(binned.totals[i]);
    let off = 0;
    let w = 0;
    for (let j = 0; j < K; j++) {
      const n = binned.counts[i][used[j]];
      if (n > 0 && accW[j] > 0) {
        off += n * (accSum[j] / accW[j] - (Math.log(n) - base[i][j] + logN));
        w += n;
      }
    }
    off = w > 0 ? off / w : 0;
    for (let j = 0; j < K; j++) {
      const n = binned.counts[i][used[j]];
      if (n > 0) {
        accSum[j] += n * (Math.log(n) - base[i][j] + logN + off);
        accW[j] += n;
      }
    }
  }
  const logP = Float64Array.from(accSum, (v, j) => (accW[j] > 0 ? v / accW[j] : -Infinity));
  const f = new Float64Array(m);
  const tmp = new Float64Array(K);
  for (let i = 0; i < m; i++) {
    const logN = Math.log(binned.totals[i]);
    for (let j = 0; j < K; j++) tmp[j] = logP[j] + base[i][j] - logN;
    f[i] = -logSumExp(tmp);
  }
  return f;
}

/**
 * Solves H[from…, from…]·x = g[from…] by Gaussian elimination with partial pivoting; entries before
 * `from` are 0. Hand-written: a dense m×m solve (m = windows, ~50) needs no library.
 */
function solveLinear(H: Float64Array[], g: Float64Array, from: number): Float64Array {
  const m = g.length;
  const n = m - from;
  const A = Array.from({ length: n }, (_, r) => {
    const row = new Float64Array(n + 1);
    for (let c = 0; c < n; c++) row[c] = H[r + from][c + from];
    row[n] = g[r + from];
    return row;
  });
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    const piv = A[c][c] || 1e-300;
    for (let r = c + 1; r < n; r++) {
      const fct = A[r][c] / piv;
      if (fct !== 0) for (let q = c; q <= n; q++) A[r][q] -= fct * A[c][q];
    }
  }
  const x = new Float64Array(m);
  for (let r = n - 1; r >= 0; r--) {
    let s = A[r][n];
    for (let q = r + 1; q < n; q++) s -= A[r][q] * x[q + from];
    x[r + from] = s / (A[r][r] || 1e-300);
  }
  return x;
}

/** Sums fine-bin log probabilities into output bins. */
function coarsen(logP: Float64Array, bins: number, sub: number): Float64Array {
  const out = new Float64Array(bins);
  for (let k = 0; k < bins; k++) out[k] = logSumExp(logP.subarray(k * sub, (k + 1) * sub));
  return out;
}

export interface WhamResult {
  profile: ProfileBin[];
  /** log p_k of the output bins (unnormalised; −Infinity where no window sampled). */
  logP: Float64Array;
  /** log p_k of each bootstrap replicate (for errors of derived numbers such as ΔF). */
  replicates: Float64Array[];
}

/** WHAM with the bootstrap replicates kept; `wham` returns only the profile. */
export function whamFull(
  windows: readonly { center: number; rc: ArrayLike<number> }[],
  opts: WhamOptions,
): WhamResult {
  const { bins, temperature } = opts;
  const [lo, hi] = opts.range;
  const sub = opts.subBins ?? 10;
  const fine: WhamOptions = { ...opts, bins: bins * sub };
  const centers = windows.map((w) => w.center);
  const main = solve(binWindows(windows, fine, null), centers, fine, null);
  const logP = coarsen(main.logP, bins, sub);
  const F = Float64Array.from(logP, (l) => -temperature * l);
  let min = Infinity;
  for (const v of F) if (v < min) min = v;
  for (let k = 0; k < bins; k++) F[k] -= min;

  const nb = opts.bootstrap ?? 0;
  const errors = new ProfileBootstrap(F);
  const replicates: Float64Array[] = [];
  if (nb > 0) {
    if (!opts.rng) throw new Error('wham: bootstrap needs an rng');
    for (let b = 0; b < nb; b++) {
      const res = solve(binWindows(windows, fine, opts.rng), centers, fine, main.f);
      const logPb = coarsen(res.logP, bins, sub);
      replicates.push(logPb);
      errors.add(Float64Array.from(logPb, (l) => -temperature * l));
    }
  }
  const profile = errors.bins(lo, hi);
  return { profile, logP, replicates };
}

export function wham(
  windows: readonly { center: number; rc: ArrayLike<number> }[],
  opts: WhamOptions,
): ProfileBin[] {
  return whamFull(windows, opts).profile;
}
