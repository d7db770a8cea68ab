#include "kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>


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
static void tanh_inplace(float *x, size_t len) {
  for (size_t i = 0; i < len; i++) {
    float v = x[i];
    float c = v > 9.0f ? 9.0f : v;
    c = c < -9.0f ? -9.0f : c;
    float y = 1.0f - 2.0f / (exp_bounded(2.0f * c) + 1.0f);
    x[i] = v == v ? y : v;
  }
}

void bgw_gemm(const float *a, const float *b, float *c, int m, int n, int k, int trans_a,
              int trans_b, const float *bias, int activation) {
  float beta = 0.0f;
  if (bias) {
    for (int i = 0; i < m; i++) {
      float *row = c + (size_t)i * n;
      for (int j = 0; j < n; j++) row[j] = bias[j];
    }
    beta = 1.0f;
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              m, n, k, 1.0f, a, trans_a ? m : k, b, trans_b ? k : n, beta, c, n);
  if (activation == BGW_TANH) tanh_inplace(c, (size_t)m * n);
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

void bgw_set_threads(int n) { openblas_set_num_threads(n); }
int bgw_get_threads(void) { return openblas_get_num_threads(); }
const char *bgw_blas_config(void) { return openblas_get_config(); }
