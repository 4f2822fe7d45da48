/**
 * Eigenvalues of a symmetric matrix (tfjs has no eigen or SVD op): Householder reduction to
 * tridiagonal form, then the implicit QL algorithm with Wilkinson-style shifts. O(n^3), double
 * precision, values only.
 */

/** Eigenvalues of the symmetric n x n matrix `a` (row-major; only read), in ascending order. */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`expected a ${n} x ${n} matrix, got ${a.length} values`);
  const { diagonal, offDiagonal } = tridiagonalize(Float64Array.from(a), n);
  return tridiagonalEigenvalues(diagonal, offDiagonal).sort();
}

/**
 * Householder similarity transforms zero column k below the subdiagonal, k = 0..n-3.
 * Returns the diagonal d and the subdiagonal e (e[k] couples k and k+1; e[n-1] = 0).
 */
function tridiagonalize(m: Float64Array, n: number): { diagonal: Float64Array; offDiagonal: Float64Array } {
  const offDiagonal = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let norm = 0;
    for (let i = k + 1; i < n; i++) norm += m[i * n + k] * m[i * n + k];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = m[(k + 1) * n + k] > 0 ? -norm : norm;
    // v = x - alpha e1, normalised; H = I - 2 v v^T maps x to alpha e1.
    let vNorm = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = m[i * n + k] - (i === k + 1 ? alpha : 0);
      vNorm += v[i] * v[i];
    }
    vNorm = Math.sqrt(vNorm);
    if (vNorm === 0) continue;
    for (let i = k + 1; i < n; i++) v[i] /= vNorm;
    // Trailing block A ← H A H = A - 2 v q^T - 2 q v^T with p = A v, q = p - (v^T p) v.
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      let sum = 0;
      for (let j = k + 1; j < n; j++) sum += m[i * n + j] * v[j];
      p[i] = sum;
      vp += v[i] * sum;
    }
    for (let i = k + 1; i < n; i++) p[i] -= vp * v[i];
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) m[i * n + j] -= 2 * (v[i] * p[j] + p[i] * v[j]);
    }
    m[(k + 1) * n + k] = alpha;
  }
  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonal[i] = m[i * n + i];
  for (let i = 0; i < n - 1; i++) offDiagonal[i] = m[(i + 1) * n + i];
  return { diagonal, offDiagonal };
}

/** Implicit QL on a symmetric tridiagonal matrix; overwrites and returns d as the eigenvalues. */
function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      let m = l;
      while (m < n - 1 && Math.abs(e[m]) > Number.EPSILON * (Math.abs(d[m]) + Math.abs(d[m + 1]))) m++;
      if (m === l) break; // e[l] negligible: d[l] is an eigenvalue
      if (iteration === 100) throw new Error('eigenvalue iteration did not converge');
      // Shift from the leading 2 x 2 block.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix splits here; restart with the smaller block.
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return d;
}
