/** ‖z_i‖² of each row of a flat row-major batch (n rows of `dim`), summed in double precision. */
export function squaredNorms(z: ArrayLike<number>, n: number, dim: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += z[i * dim + k] ** 2;
    out[i] = s;
  }
  return out;
}
