#ifndef JPEG_REDUCED_DECODE_H
#define JPEG_REDUCED_DECODE_H
#include <stddef.h>

/* Outcome of a decode: a message that says what went wrong for anything but DECODE_OK. */
enum decode_status { DECODE_OK = 0, DECODE_UNSUPPORTED = 1, DECODE_CORRUPT = 2, DECODE_NO_MEMORY = 3 };

struct grey_image {
  unsigned char *pixels; /* width * height, row-major, owned by the caller after a DECODE_OK */
  int width;
  int height;
  int source_width;  /* the frame's own size, from its header */
  int source_height;
};

/* Decodes a JPEG's luma at 1/denom scale in the DCT domain (denom 1, 2, 4 or 8), keeping only
 * whole scaled pixels: floor(W / denom) x floor(H / denom). A frame whose header gives another
 * size than expect_w x expect_h (the size the caller checked against its limits) is refused
 * before anything is allocated for it. */
enum decode_status decode_grey_scaled(const unsigned char *data, size_t size, int denom, int expect_w, int expect_h, struct grey_image *out, char *message,
                                      size_t message_size);

#endif
