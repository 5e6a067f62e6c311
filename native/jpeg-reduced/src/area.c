#include "area.h"

#include <math.h>
#include <stdlib.h>

struct span {
  int start;
  int count;
  double *weights; /* count weights summing to 1 */
};

/* Output i covers the source interval [i, i + 1) * n_in / n_out. */
static struct span *area_spans(int n_in, int n_out) {
  const double f = (double)n_in / (double)n_out;
  const int most = (int)ceil(f) + 1;
  struct span *spans = malloc(sizeof(struct span) * (size_t)n_out);
  double *pool = malloc(sizeof(double) * (size_t)n_out * (size_t)most);
  if (!spans || !pool) {
    free(spans);
    free(pool);
    return NULL;
  }
  for (int i = 0; i < n_out; i++) {
    const double a = i * f, b = (i + 1) * f;
    const int j0 = (int)floor(a);
    int j1 = (int)ceil(b);
    if (j1 > n_in) j1 = n_in;
    double *w = pool + (size_t)i * most;
    double sum = 0;
    for (int j = j0; j < j1; j++) {
      const double lo = a > j ? a : j, hi = b < j + 1 ? b : j + 1;
      w[j - j0] = hi > lo ? hi - lo : 0;
      sum += w[j - j0];
    }
    for (int k = 0; k < j1 - j0; k++) w[k] /= sum;
    spans[i].start = j0;
    spans[i].count = j1 - j0;
    spans[i].weights = w;
  }
  return spans;
}

static void free_spans(struct span *spans) {
  if (spans) free(spans[0].weights);
  free(spans);
}

int area_resample(const unsigned char *src, int sw, int sh, float *dst, int dw, int dh) {
  struct span *rows = area_spans(sh, dh);
  struct span *cols = area_spans(sw, dw);
  double *acc = malloc(sizeof(double) * (size_t)sw);
  int ok = rows && cols && acc;
  if (ok) {
    for (int i = 0; i < dh; i++) {
      for (int x = 0; x < sw; x++) acc[x] = 0;
      for (int k = 0; k < rows[i].count; k++) {
        const double w = rows[i].weights[k];
        const unsigned char *s = src + (size_t)(rows[i].start + k) * (size_t)sw;
        for (int x = 0; x < sw; x++) acc[x] += w * s[x];
      }
      float *o = dst + (size_t)i * (size_t)dw;
      for (int j = 0; j < dw; j++) {
        double v = 0;
        const double *acc0 = acc + cols[j].start;
        for (int k = 0; k < cols[j].count; k++) v += cols[j].weights[k] * acc0[k];
        o[j] = (float)v;
      }
    }
  }
  free(acc);
  free_spans(rows);
  free_spans(cols);
  return ok;
}
