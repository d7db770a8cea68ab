/* Fused multiply-add in the float32 loops (tanh's polynomial, the gradients, Adam): ISO C mode
 * (-std=c11) turns contraction off, which made the tanh pass ~25 % slower. Rounding changes by at
 * most an ulp, towards the exact result. The float64 dimer kernel (dimer.c) is not affected. */
#pragma GCC optimize("fp-contract=fast")
#include "kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>


/* e^x for |x| <= 18 (Cephes' expf: x = n·ln2 + r, a degree-6 polynomial in r, 2^n from the exponent
 * bits), hand-written because glibc's expf only vectorises under -ffinite-math-only, which would let
 * the compiler drop the NaNs the trainer's guard looks for. Max relative error ~2e-7. */
static inline __attribute__((always_inline)) float exp_bounded(float x) {
  /* Round to nearest without a branch: x·log2(e) + 32.5 is positive for |x| <= 18. */
  int n = (int)(x * 1.44269504088896341f + 32.5f) - 32;
  float t = (float)n;
  float r = x - t * 0.693359375f + t * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float e = p * r * r + r + 1.0f;
  union { int32_t i; float f; } scale = {.i = (n + 127) << 23};
  return e * scale.f;
}

/* tanh(x) = 1 − 2/(e^{2x} + 1); |x| is clamped at 9, where tanh is ±1 in float32. NaN stays NaN. */
static inline __attribute__((always_inline)) float tanh_of(float v) {
  float c = v > 9.0f ? 9.0f : v;
  c = c < -9.0f ? -9.0f : c;
  const float y = 1.0f - 2.0f / (exp_bounded(2.0f * c) + 1.0f);
  return v == v ? y : v;
}

/* c[i, :] += bias, then tanh if asked: one pass over the product (the bias is not pre-filled into
 * c for sgemm's beta = 1, which would cost a second pass). */
static void bias_activation(float *c, int m, int n, const float *bias, int activation) {
  for (int i = 0; i < m; i++) {
    float *row = c + (size_t)i * n;
    if (activation == BGW_TANH) {
      if (bias)
        for (int j = 0; j < n; j++) row[j] = tanh_of(row[j] + bias[j]);
      else
        for (int j = 0; j < n; j++) row[j] = tanh_of(row[j]);
    } else if (bias) {
      for (int j = 0; j < n; j++) row[j] += bias[j];
    }
  }
}

void bgw_gemm(const float *a, const float *b, float *c, int m, int n, int k, int trans_a,
              int trans_b, const float *bias, int activation) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              m, n, k, 1.0f, a, trans_a ? m : k, b, trans_b ? k : n, 0.0f, c, n);
  if (bias || activation != BGW_LINEAR) bias_activation(c, m, n, bias, activation);
}

void bgw_tanh_grad(const float *y, const float *dy, float *out, size_t len) {
  for (size_t i = 0; i < len; i++) out[i] = dy[i] * (1.0f - y[i] * y[i]);
}

void bgw_col_sum(const float *a, float *out, int m, int n) {
  for (int j = 0; j < n; j++) out[j] = 0.0f;
  for (int i = 0; i < m; i++) {
    const float *row = a + (size_t)i * n;
    for (int j = 0; j < n; j++) out[j] += row[j];
  }
}

void bgw_adam(const float *p, const float *g, const float *m, const float *v, float *p_out, float *m_out,
              float *v_out, size_t len, float alpha, float beta1, float beta2, float epsilon, float scale) {
  for (size_t i = 0; i < len; i++) {
    const float gi = g[i] * scale;
    const float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    const float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m_out[i] = mi;
    v_out[i] = vi;
    p_out[i] = p[i] - alpha * mi / (sqrtf(vi) + epsilon);
  }
}

double bgw_sum_squares(const float *a, size_t len) {
  double s = 0;
  for (size_t i = 0; i < len; i++) s += (double)a[i] * a[i];
  return s;
}

/* e^v for any float: clamped to ±80 (e^80 < FLT_MAX) so exp_bounded's exponent bits stay valid. */
static inline __attribute__((always_inline)) float exp_clamped(float v) {
  float c = v > 80.0f ? 80.0f : v;
  c = c < -80.0f ? -80.0f : c;
  return v == v ? exp_bounded(c) : v;
}

void bgw_scaled_tanh(const float *raw, float *s, size_t len, float bound) {
  const float inv = 1.0f / bound;
  for (size_t i = 0; i < len; i++) s[i] = bound * tanh_of(raw[i] * inv);
}

void bgw_scaled_tanh_grad(const float *s, const float *dy, float *out, size_t len, float bound) {
  const float inv = 1.0f / bound;
  for (size_t i = 0; i < len; i++) {
    const float u = s[i] * inv;
    out[i] = dy[i] * (1.0f - u * u);
  }
}

void bgw_affine(const float *x, const float *s, const float *t, float *y, size_t len, int inverse) {
  if (inverse)
    for (size_t i = 0; i < len; i++) y[i] = (x[i] - t[i]) * exp_clamped(-s[i]);
  else
    for (size_t i = 0; i < len; i++) y[i] = x[i] * exp_clamped(s[i]) + t[i];
}

void bgw_affine_grad(const float *x, const float *s, const float *y, const float *dy, float *dx, float *ds,
                     float *dt, size_t len, int inverse) {
  if (inverse)
    for (size_t i = 0; i < len; i++) {
      const float g = dy[i] * exp_clamped(-s[i]);
      dx[i] = g;
      dt[i] = -g;
      ds[i] = -dy[i] * y[i];
    }
  else
    for (size_t i = 0; i < len; i++) {
      const float g = dy[i] * exp_clamped(s[i]);
      dx[i] = g;
      dt[i] = dy[i];
      ds[i] = g * x[i];
    }
}

/* Columns of the `parity` half: (width + 1 − parity) / 2 of them. */
static int half_width(int width, int parity) { return (width + 1 - parity) / 2; }

void bgw_select_columns(const float *x, float *out, int m, int width, int parity) {
  const int h = half_width(width, parity);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < h; j++) out[(size_t)i * h + j] = x[(size_t)i * width + 2 * j + parity];
}

void bgw_scatter_columns(const float *half, float *out, int m, int width, int parity) {
  const int h = half_width(width, parity);
  for (int i = 0; i < m; i++) {
    float *row = out + (size_t)i * width;
    for (int c = 0; c < width; c++) row[c] = 0.0f;
    for (int j = 0; j < h; j++) row[2 * j + parity] = half[(size_t)i * h + j];
  }
}

void bgw_interleave(const float *a, const float *b, float *out, int m, int width, int parity) {
  const int ha = half_width(width, parity), hb = width - ha;
  for (int i = 0; i < m; i++) {
    float *row = out + (size_t)i * width;
    for (int j = 0; j < ha; j++) row[2 * j + parity] = a[(size_t)i * ha + j];
    for (int j = 0; j < hb; j++) row[2 * j + 1 - parity] = b[(size_t)i * hb + j];
  }
}

void bgw_mlp(const float *x, float *y, int m, int layers, const int *sizes, const float *const *w,
             const float *const *b, float *const *hidden) {
  const float *a = x;
  for (int l = 0; l < layers; l++) {
    const int last = l + 1 == layers;
    float *out = last ? y : hidden[l];
    bgw_gemm(a, w[l], out, m, sizes[l + 1], sizes[l], 0, 0, b[l], last ? BGW_LINEAR : BGW_TANH);
    a = out;
  }
}

/* g ← g·(1 − a²) in place (the tanh gradient from the layer's output a) and db = Σ_rows g, in one
 * pass over g [m, n]; db may be NULL (input gradient only). */
static void tanh_grad_col_sum(float *g, const float *a, float *db, int m, int n) {
  if (db)
    for (int j = 0; j < n; j++) db[j] = 0.0f;
  for (int i = 0; i < m; i++) {
    float *row = g + (size_t)i * n;
    const float *arow = a + (size_t)i * n;
    for (int j = 0; j < n; j++) {
      const float v = row[j] * (1.0f - arow[j] * arow[j]);
      row[j] = v;
      if (db) db[j] += v;
    }
  }
}

int bgw_mlp_grad(const float *dy, const float *x, float *dx, int m, int layers, const int *sizes,
                 const float *const *w, const float *const *hidden, float *const *dw, float *const *db) {
  int widest = 0;
  for (int l = 1; l < layers; l++) widest = sizes[l] > widest ? sizes[l] : widest;
  /* Two ping-pong buffers for the hidden layers' gradients, allocated per call: training workers are
   * threads, so no shared static scratch (glibc hands the freed block back on the next call). */
  float *scratch = NULL;
  if (layers > 1) {
    scratch = malloc(sizeof(float) * 2 * (size_t)m * (size_t)widest);
    if (!scratch) return -1;
  }
  const float *g = dy;
  /* dw == NULL: the input gradient alone (what gradient-guided sampling in latent space needs). */
  if (dw) bgw_col_sum(dy, db[layers - 1], m, sizes[layers]); /* the others come with the tanh gradient */
  for (int l = layers - 1; l >= 0; l--) {
    const int n_in = sizes[l], n_out = sizes[l + 1];
    const float *a = l == 0 ? x : hidden[l - 1];
    /* The input gradient first, while g is still in cache from the pass that wrote it: for hidden
     * layers (g·Wᵀ) ⊙ (1 − a²) into whichever scratch buffer g is not; then dW = aᵀ·g with a in
     * cache from the tanh-gradient pass. */
    float *next = NULL;
    if (l > 0) {
      next = scratch + (g == scratch ? (size_t)m * (size_t)widest : 0);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n_in, n_out, 1.0f, g, n_out, w[l], n_out, 0.0f,
                  next, n_in);
      tanh_grad_col_sum(next, a, dw ? db[l - 1] : NULL, m, n_in);
    } else if (dx) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n_in, n_out, 1.0f, g, n_out, w[l], n_out, 0.0f,
                  dx, n_in);
    }
    if (dw)
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n_in, n_out, m, 1.0f, a, n_in, g, n_out, 0.0f,
                  dw[l], n_out);
    g = next;
  }
  free(scratch);
  return 0;
}

void bgw_set_threads(int n) { openblas_set_num_threads(n); }
int bgw_get_threads(void) { return openblas_get_num_threads(); }
const char *bgw_blas_config(void) { return openblas_get_config(); }
