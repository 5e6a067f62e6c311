#ifndef JPEG_REDUCED_AREA_H
#define JPEG_REDUCED_AREA_H

/* src (sw x sh grey, row-major) averaged to dw x dh: each output pixel is the mean of the source
 * area it covers, weighted by overlap (the arithmetic of src-main/imaging/resample.ts). Returns 0
 * when out of memory. */
int area_resample(const unsigned char *src, int sw, int sh, float *dst, int dw, int dh);

#endif
