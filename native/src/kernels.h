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

/* Channel split and merge of a coupling block: column c of a [m, width] matrix belongs to the
 * half chosen by `parity` when c % 2 == parity, and sits at column c / 2 of that half. */
void bgw_select_columns(const float *x, float *out, int m, int width, int parity);
/* The reverse of select for one half: zeros in the other half's columns (the select's gradient). */
void bgw_scatter_columns(const float *half, float *out, int m, int width, int parity);
/* out[:, c] = a[:, c/2] where c % 2 == parity, else b[:, c/2]. */
void bgw_interleave(const float *a, const float *b, float *out, int m, int width, int parity);

/* The affine coupling's elementwise part. scaled_tanh: s = bound·tanh(raw/bound) and its gradient
 * dy·(1 − (s/bound)²) from s. affine: y = x·eˢ + t, or with `inverse` y = (x − t)·e⁻ˢ; its
 * gradient gives dx, ds, dt from x, s, y and dy. */
void bgw_scaled_tanh(const float *raw, float *s, size_t len, float bound);
void bgw_scaled_tanh_grad(const float *s, const float *dy, float *out, size_t len, float bound);
void bgw_affine(const float *x, const float *s, const float *t, float *y, size_t len, int inverse);
void bgw_affine_grad(const float *x, const float *s, const float *y, const float *dy, float *dx, float *ds,
                     float *dt, size_t len, int inverse);

/* A tanh MLP, one call per pass. Layer l maps sizes[l] → sizes[l+1] columns with w[l]
 * [sizes[l], sizes[l+1]] and b[l]; hidden layers are tanh, the last is linear.
 * Forward: hidden[l] = a_{l+1} = tanh(a_l·w[l] + b[l]) for l < layers − 1 (a_0 = x), kept for the
 * backward; y = a_{layers−1}·w[last] + b[last].
 * Backward: from dy [m, sizes[layers]], the saved hidden activations and the weights, writes dx,
 * dw[l] and db[l]; the intermediate gradients live in a scratch buffer. dx may be NULL (not
 * wanted). Returns 0, or −1 when the scratch cannot be allocated. */
#define BGW_MLP_MAX_LAYERS 32
void bgw_mlp(const float *x, float *y, int m, int layers, const int *sizes, const float *const *w,
             const float *const *b, float *const *hidden);
/* dw = db = NULL: the input gradient dx alone, without the weight and bias gradients. */
int bgw_mlp_grad(const float *dy, const float *x, float *dx, int m, int layers, const int *sizes,
                 const float *const *w, const float *const *hidden, float *const *dw, float *const *db);

void bgw_set_threads(int n);
int bgw_get_threads(void);
const char *bgw_blas_config(void);

#endif
