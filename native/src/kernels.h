/* Dense-layer kernels over float32 row-major buffers: the matrix products go to OpenBLAS, the
 * elementwise parts are fused around them so each layer touches its activations once. */
#ifndef BGW_KERNELS_H
#define BGW_KERNELS_H

#include <stddef.h>

enum bgw_activation { BGW_LINEAR = 0, BGW_TANH = 1 };

/* c[m×n] = op(a)·op(b) (+ bias[n]) then activation; op transposes when the flag is set. */
void bgw_gemm(const float *a, const float *b, float *c, int m, int n, int k, int trans_a,
              int trans_b, const float *bias, int activation);

/* out = dy·(1 − y²): the gradient of tanh from its output. */
void bgw_tanh_grad(const float *y, const float *dy, float *out, size_t len);

/* out[n] = Σ_i a[i, :]: the bias gradient, without the transpose tfjs needs for an axis-0 sum. */
void bgw_col_sum(const float *a, float *out, int m, int n);

/* One Adam step of one tensor: g is scaled by `scale` (gradient clipping), then
 * m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g², p' = p − α·m'/(√v' + ε). */
void bgw_adam(const float *p, const float *g, const float *m, const float *v, float *p_out, float *m_out,
              float *v_out, size_t len, float alpha, float beta1, float beta2, float epsilon, float scale);

/* Σ a², accumulated in double. */
double bgw_sum_squares(const float *a, size_t len);

void bgw_set_threads(int n);
int bgw_get_threads(void);
const char *bgw_blas_config(void);

#endif
