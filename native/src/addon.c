/* Node-API surface of the kernels. Every buffer is a byte offset into one ArrayBuffer (the tfjs
 * wasm heap), so tensors are read and written in place without copies; each offset and extent is
 * checked against the buffer's length before any kernel touches memory. */
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>

#include "dimer.h"
#include "kernels.h"

#define MAX_ARGS 16

typedef struct {
  napi_env env;
  size_t argc;
  napi_value argv[MAX_ARGS];
  uint8_t *heap;
  size_t heap_len;
} call_t;

static int fail(napi_env env, const char *msg) {
  napi_throw_range_error(env, NULL, msg);
  return 0;
}

static int read_args(napi_env env, napi_callback_info info, call_t *c, size_t want, int with_heap) {
  c->env = env;
  c->argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok) return fail(env, "bad call");
  if (c->argc < want) return fail(env, "too few arguments");
  if (with_heap) {
    void *data = NULL;
    if (napi_get_arraybuffer_info(env, c->argv[0], &data, &c->heap_len) != napi_ok || !data)
      return fail(env, "first argument must be an ArrayBuffer");
    c->heap = (uint8_t *)data;
  }
  return 1;
}

static int64_t int_arg(call_t *c, size_t i) {
  int64_t v = 0;
  napi_get_value_int64(c->env, c->argv[i], &v);
  return v;
}

/* A float32 view of `count` elements at byte offset `off`, or NULL (with an exception) if it
 * does not fit inside the heap. */
static float *view(call_t *c, int64_t off, int64_t count) {
  if (off < 0 || count < 0 || (off & 3) || (uint64_t)off + (uint64_t)count * 4 > c->heap_len) {
    fail(c->env, "tensor outside the heap");
    return NULL;
  }
  return (float *)(c->heap + off);
}

/* `count` float32 views of `len` elements from the offsets in arguments first…first+count−1. */
static int views(call_t *c, size_t first, int count, int64_t len, float **out) {
  for (int i = 0; i < count; i++)
    if (!(out[i] = view(c, int_arg(c, first + (size_t)i), len))) return 0;
  return 1;
}

/* gemm(heap, a, b, c, m, n, k, transA, transB, bias | -1, activation) */
static napi_value gemm(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 11, 1)) return NULL;
  int64_t m = int_arg(&c, 4), n = int_arg(&c, 5), k = int_arg(&c, 6);
  int trans_a = (int)int_arg(&c, 7), trans_b = (int)int_arg(&c, 8);
  int64_t bias_off = int_arg(&c, 9);
  int activation = (int)int_arg(&c, 10);
  if (m <= 0 || n <= 0 || k <= 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    fail(env, "matrix sizes must be positive");
    return NULL;
  }
  const float *a = view(&c, int_arg(&c, 1), m * k);
  const float *b = view(&c, int_arg(&c, 2), k * n);
  float *out = view(&c, int_arg(&c, 3), m * n);
  const float *bias = bias_off < 0 ? NULL : view(&c, bias_off, n);
  if (!a || !b || !out || (bias_off >= 0 && !bias)) return NULL;
  bgw_gemm(a, b, out, (int)m, (int)n, (int)k, trans_a, trans_b, bias, activation);
  return NULL;
}

/* tanhGrad(heap, y, dy, out, length) */
static napi_value tanh_grad(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 5, 1)) return NULL;
  int64_t len = int_arg(&c, 4);
  float *t[3];
  if (!views(&c, 1, 3, len, t)) return NULL;
  bgw_tanh_grad(t[0], t[1], t[2], (size_t)len);
  return NULL;
}

/* colSum(heap, a, out, m, n) */
static napi_value col_sum(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 5, 1)) return NULL;
  int64_t m = int_arg(&c, 3), n = int_arg(&c, 4);
  if (m <= 0 || n <= 0 || m > INT32_MAX || n > INT32_MAX) {
    fail(env, "matrix sizes must be positive");
    return NULL;
  }
  const float *a = view(&c, int_arg(&c, 1), m * n);
  float *out = view(&c, int_arg(&c, 2), n);
  if (!a || !out) return NULL;
  bgw_col_sum(a, out, (int)m, (int)n);
  return NULL;
}

/* columns(heap, op, x, out, m, width, parity): op 0 select, 1 scatter; interleave(heap, a, b, out,
 * m, width, parity). Sizes follow from width and parity (see kernels.h). */
static int column_sizes(call_t *c, int64_t m, int64_t width, int64_t parity, int64_t *half) {
  if (m < 0 || width < 1 || m > INT32_MAX || width > INT32_MAX || (parity != 0 && parity != 1))
    return fail(c->env, "bad column split sizes");
  *half = (width + 1 - parity) / 2;
  return 1;
}

static napi_value columns(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 7, 1)) return NULL;
  int64_t op = int_arg(&c, 1), m = int_arg(&c, 4), width = int_arg(&c, 5), parity = int_arg(&c, 6), h;
  if (!column_sizes(&c, m, width, parity, &h)) return NULL;
  const int64_t in_len = op == 0 ? m * width : m * h, out_len = op == 0 ? m * h : m * width;
  const float *x = view(&c, int_arg(&c, 2), in_len);
  float *out = view(&c, int_arg(&c, 3), out_len);
  if (!x || !out) return NULL;
  if (op == 0)
    bgw_select_columns(x, out, (int)m, (int)width, (int)parity);
  else
    bgw_scatter_columns(x, out, (int)m, (int)width, (int)parity);
  return NULL;
}

static napi_value interleave(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 7, 1)) return NULL;
  int64_t m = int_arg(&c, 4), width = int_arg(&c, 5), parity = int_arg(&c, 6), h;
  if (!column_sizes(&c, m, width, parity, &h)) return NULL;
  const float *a = view(&c, int_arg(&c, 1), m * h);
  const float *b = view(&c, int_arg(&c, 2), m * (width - h));
  float *out = view(&c, int_arg(&c, 3), m * width);
  if (!a || !b || !out) return NULL;
  bgw_interleave(a, b, out, (int)m, (int)width, (int)parity);
  return NULL;
}

static double num_arg(call_t *c, size_t i);

/* scaledTanh(heap, op, a, b, out, length, bound): op 0 s = bound·tanh(a/bound); op 1 the gradient
 * from s = a and dy = b. */
static napi_value scaled_tanh(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 7, 1)) return NULL;
  int64_t op = int_arg(&c, 1), len = int_arg(&c, 5);
  float *t[3];
  if (!views(&c, 2, 3, len, t)) return NULL;
  if (op == 0)
    bgw_scaled_tanh(t[0], t[2], (size_t)len, (float)num_arg(&c, 6));
  else
    bgw_scaled_tanh_grad(t[0], t[1], t[2], (size_t)len, (float)num_arg(&c, 6));
  return NULL;
}

/* affine(heap, x, s, t, y, length, inverse) */
static napi_value affine(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 7, 1)) return NULL;
  int64_t len = int_arg(&c, 5);
  float *t[4];
  if (!views(&c, 1, 4, len, t)) return NULL;
  bgw_affine(t[0], t[1], t[2], t[3], (size_t)len, (int)int_arg(&c, 6));
  return NULL;
}

/* affineGrad(heap, x, s, y, dy, dx, ds, dt, length, inverse) */
static napi_value affine_grad(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 10, 1)) return NULL;
  int64_t len = int_arg(&c, 8);
  float *t[7];
  if (!views(&c, 1, 7, len, t)) return NULL;
  bgw_affine_grad(t[0], t[1], t[2], t[3], t[4], t[5], t[6], (size_t)len, (int)int_arg(&c, 9));
  return NULL;
}

static double num_arg(call_t *c, size_t i) {
  double v = 0;
  napi_get_value_double(c->env, c->argv[i], &v);
  return v;
}

/* adam(heap, p, g, m, v, pOut, mOut, vOut, length, alpha, beta1, beta2, epsilon, scale) */
static napi_value adam(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 14, 1)) return NULL;
  int64_t len = int_arg(&c, 8);
  float *t[7];
  if (!views(&c, 1, 7, len, t)) return NULL;
  bgw_adam(t[0], t[1], t[2], t[3], t[4], t[5], t[6], (size_t)len, (float)num_arg(&c, 9), (float)num_arg(&c, 10),
           (float)num_arg(&c, 11), (float)num_arg(&c, 12), (float)num_arg(&c, 13));
  return NULL;
}

/* sumSquares(heap, a, length) → Σ a² */
static napi_value sum_squares(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 3, 1)) return NULL;
  int64_t len = int_arg(&c, 2);
  const float *a = view(&c, int_arg(&c, 1), len);
  if (!a) return NULL;
  napi_value v;
  napi_create_double(env, bgw_sum_squares(a, (size_t)len), &v);
  return v;
}

/* A typed array's data and length, or NULL with an exception when it is not of `type`. */
static void *typed(napi_env env, napi_value v, napi_typedarray_type type, size_t *length) {
  napi_typedarray_type got;
  void *data = NULL;
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (!is_typed || napi_get_typedarray_info(env, v, &got, length, &data, NULL, NULL) != napi_ok || got != type) {
    fail(env, "wrong typed array");
    return NULL;
  }
  return data ? data : (void *)"";
}

/* The layer widths (Int32Array, layers + 1 of them) and the byte offsets (Float64Array) of an MLP
 * call, checked: 1…BGW_MLP_MAX_LAYERS layers, positive widths, `want` offsets. */
/* alt_per_layer > 0: a second accepted offset count (same extra), reported through *alt. */
static int mlp_args(call_t *c, int64_t m, int *layers, int *sizes, const double **offs, size_t want_per_layer,
                    size_t want_extra, size_t alt_per_layer, int *alt) {
  size_t ns = 0, no = 0;
  const int32_t *s = typed(c->env, c->argv[2], napi_int32_array, &ns);
  if (!s) return 0;
  *offs = typed(c->env, c->argv[3], napi_float64_array, &no);
  if (!*offs) return 0;
  if (ns < 2 || ns > BGW_MLP_MAX_LAYERS + 1) return fail(c->env, "an MLP needs 1 to 32 layers");
  *layers = (int)ns - 1;
  const int is_alt = alt_per_layer > 0 && no == alt_per_layer * (size_t)*layers + want_extra;
  if (alt) *alt = is_alt;
  if (!is_alt && no != want_per_layer * (size_t)*layers + want_extra)
    return fail(c->env, "wrong number of MLP offsets");
  if (m <= 0 || m > INT32_MAX) return fail(c->env, "the batch must be positive");
  for (size_t i = 0; i < ns; i++) {
    if (s[i] <= 0) return fail(c->env, "MLP widths must be positive");
    sizes[i] = s[i];
  }
  return 1;
}

/* An offset from the Float64Array, or −1 (refused by view) when it is not a representable integer. */
static int64_t off_at(const double *o, size_t i) {
  const double v = o[i];
  return v >= 0 && v <= 9007199254740992.0 && v == (double)(int64_t)v ? (int64_t)v : -1;
}

/* mlp(heap, m, sizes, offsets): offsets = [x, y, w0, b0, …, w_{L−1}, b_{L−1}, h_0, …, h_{L−2}] */
static napi_value mlp(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 4, 1)) return NULL;
  int64_t m = int_arg(&c, 1);
  int layers, sizes[BGW_MLP_MAX_LAYERS + 1];
  const double *o;
  if (!mlp_args(&c, m, &layers, sizes, &o, 3, 1, 0, NULL)) return NULL;
  const float *w[BGW_MLP_MAX_LAYERS], *b[BGW_MLP_MAX_LAYERS];
  float *hidden[BGW_MLP_MAX_LAYERS];
  const float *x = view(&c, off_at(o, 0), m * sizes[0]);
  float *y = view(&c, off_at(o, 1), m * sizes[layers]);
  if (!x || !y) return NULL;
  for (int l = 0; l < layers; l++) {
    if (!(w[l] = view(&c, off_at(o, 2 + 2 * l), (int64_t)sizes[l] * sizes[l + 1]))) return NULL;
    if (!(b[l] = view(&c, off_at(o, 3 + 2 * l), sizes[l + 1]))) return NULL;
    if (l + 1 < layers && !(hidden[l] = view(&c, off_at(o, 2 + 2 * layers + l), m * sizes[l + 1]))) return NULL;
  }
  bgw_mlp(x, y, (int)m, layers, sizes, w, b, hidden);
  return NULL;
}

/* mlpGrad(heap, m, sizes, offsets): offsets = [dy, x, dx | −1, w0, …, w_{L−1}, h_0, …, h_{L−2},
 * dw0, db0, …, dw_{L−1}, db_{L−1}], the dw/db part left out for the input gradient alone */
static napi_value mlp_grad(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 4, 1)) return NULL;
  int64_t m = int_arg(&c, 1);
  int layers, sizes[BGW_MLP_MAX_LAYERS + 1];
  const double *o;
  int input_only;
  if (!mlp_args(&c, m, &layers, sizes, &o, 4, 2, 2, &input_only)) return NULL;
  const float *w[BGW_MLP_MAX_LAYERS], *hidden[BGW_MLP_MAX_LAYERS];
  float *dw[BGW_MLP_MAX_LAYERS], *db[BGW_MLP_MAX_LAYERS];
  const float *dy = view(&c, off_at(o, 0), m * sizes[layers]);
  const float *x = view(&c, off_at(o, 1), m * sizes[0]);
  float *dx = o[2] < 0 ? NULL : view(&c, off_at(o, 2), m * sizes[0]);
  if (!dy || !x || (o[2] >= 0 && !dx)) return NULL;
  const double *ho = o + 3 + layers, *go = ho + layers - 1;
  for (int l = 0; l < layers; l++) {
    const int64_t wn = (int64_t)sizes[l] * sizes[l + 1];
    if (!(w[l] = view(&c, off_at(o, 3 + l), wn))) return NULL;
    if (l + 1 < layers && !(hidden[l] = view(&c, off_at(ho, l), m * sizes[l + 1]))) return NULL;
    if (input_only) continue;
    if (!(dw[l] = view(&c, off_at(go, 2 * l), wn))) return NULL;
    if (!(db[l] = view(&c, off_at(go, 2 * l + 1), sizes[l + 1]))) return NULL;
  }
  if (bgw_mlp_grad(dy, x, dx, (int)m, layers, sizes, w, hidden, input_only ? NULL : dw, input_only ? NULL : db) != 0) {
    napi_throw_error(env, NULL, "mlpGrad: out of memory for the scratch buffer");
  }
  return NULL;
}

/* dimer(x: Float32Array | Float64Array, n, params: Float64Array(9), energy: Float64Array(n),
 *       forces: Float64Array(n·76) | null) */
static napi_value dimer(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 5, 0)) return NULL;
  int64_t n = int_arg(&c, 1);
  size_t dim = 2 * BGW_DIMER_PARTICLES, len = 0, plen = 0, elen = 0, flen = 0;
  napi_typedarray_type xtype;
  void *xdata = NULL;
  bool is_typed = false;
  napi_is_typedarray(env, c.argv[0], &is_typed);
  if (!is_typed || napi_get_typedarray_info(env, c.argv[0], &xtype, &len, &xdata, NULL, NULL) != napi_ok ||
      (xtype != napi_float32_array && xtype != napi_float64_array))
    return fail(env, "x must be a Float32Array or Float64Array"), NULL;
  if (n < 0 || n > INT32_MAX || (size_t)n * dim > len) return fail(env, "x holds fewer than n configurations"), NULL;
  const double *params = typed(env, c.argv[2], napi_float64_array, &plen);
  double *energy = typed(env, c.argv[3], napi_float64_array, &elen);
  if (!params || !energy) return NULL;
  if (plen < BGW_DIMER_PARAMS || elen < (size_t)n) return fail(env, "params or energy too short"), NULL;
  double *forces = NULL;
  napi_valuetype ft;
  napi_typeof(env, c.argv[4], &ft);
  if (ft != napi_null && ft != napi_undefined) {
    forces = typed(env, c.argv[4], napi_float64_array, &flen);
    if (!forces) return NULL;
    if (flen < (size_t)n * dim) return fail(env, "forces too short"), NULL;
  }
  if (n == 0) return NULL;
  bgw_dimer(xtype == napi_float32_array ? (const float *)xdata : NULL,
            xtype == napi_float64_array ? (const double *)xdata : NULL, (int)n, params, energy, forces);
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  call_t c;
  if (!read_args(env, info, &c, 1, 0)) return NULL;
  int64_t n = int_arg(&c, 0);
  if (n < 1) n = 1;
  bgw_set_threads((int)n);
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int32(env, bgw_get_threads(), &v);
  return v;
}

static napi_value blas_config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_string_utf8(env, bgw_blas_config(), NAPI_AUTO_LENGTH, &v);
  return v;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"tanhGrad", NULL, tanh_grad, NULL, NULL, NULL, napi_default, NULL},
      {"colSum", NULL, col_sum, NULL, NULL, NULL, napi_default, NULL},
      {"dimer", NULL, dimer, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
      {"sumSquares", NULL, sum_squares, NULL, NULL, NULL, napi_default, NULL},
      {"columns", NULL, columns, NULL, NULL, NULL, napi_default, NULL},
      {"interleave", NULL, interleave, NULL, NULL, NULL, napi_default, NULL},
      {"scaledTanh", NULL, scaled_tanh, NULL, NULL, NULL, napi_default, NULL},
      {"affine", NULL, affine, NULL, NULL, NULL, napi_default, NULL},
      {"affineGrad", NULL, affine_grad, NULL, NULL, NULL, napi_default, NULL},
      {"mlp", NULL, mlp, NULL, NULL, NULL, napi_default, NULL},
      {"mlpGrad", NULL, mlp_grad, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"threads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
      {"blasConfig", NULL, blas_config, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
