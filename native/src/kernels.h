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

void bgw_set_threads(int n);
int bgw_get_threads(void);
const char *bgw_blas_config(void);

#endif
