/* libjpeg at reduced DCT scale, luma only. For a YCbCr JPEG, asking for JCS_GRAYSCALE makes
 * libjpeg skip the chroma components' inverse DCT, upsampling and colour conversion: what remains
 * is mostly entropy decoding, which no reader of the file can avoid. */
#include "decode.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

struct error_state {
  struct jpeg_error_mgr base;
  jmp_buf escape;
  enum decode_status status;
  char *message;
  size_t message_size;
};

static void on_error(j_common_ptr cinfo) {
  struct error_state *err = (struct error_state *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  if (err->status == DECODE_OK) err->status = DECODE_CORRUPT;
  longjmp(err->escape, 1);
}

/* libjpeg reports damaged data (a truncated stream, bad Huffman codes) as warnings and goes on,
 * filling in grey. An image the model would see wrongly must fail instead, as sharp's
 * failOn 'warning' makes the other readers do. */
static void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return; /* trace messages */
  struct error_state *err = (struct error_state *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  err->status = DECODE_CORRUPT;
  longjmp(err->escape, 1);
}

static int fail(struct error_state *err, enum decode_status status, const char *text) {
  err->status = status;
  snprintf(err->message, err->message_size, "%s", text);
  return 0;
}

enum decode_status decode_grey_scaled(const unsigned char *data, size_t size, int denom, int expect_w, int expect_h, struct grey_image *out, char *message,
                                      size_t message_size) {
  struct jpeg_decompress_struct cinfo;
  struct error_state err;
  /* volatile: assigned between setjmp and a possible longjmp */
  unsigned char *volatile decoded = NULL;
  char scratch[JMSG_LENGTH_MAX];

  memset(out, 0, sizeof(*out));
  memset(&cinfo, 0, sizeof(cinfo));
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = on_error;
  err.base.emit_message = on_message;
  err.status = DECODE_OK;
  err.message = scratch;
  err.message_size = sizeof(scratch);
  scratch[0] = '\0';

  if (setjmp(err.escape)) {
    jpeg_destroy_decompress(&cinfo);
    free(decoded);
    snprintf(message, message_size, "%s", scratch);
    return err.status;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  jpeg_read_header(&cinfo, TRUE);

  int ok = 1;
  char size_text[96];
  if ((int)cinfo.image_width != expect_w || (int)cinfo.image_height != expect_h) {
    snprintf(size_text, sizeof(size_text), "the frame header gives %u x %u, not the %d x %d expected", cinfo.image_width, cinfo.image_height, expect_w, expect_h);
    ok = fail(&err, DECODE_UNSUPPORTED, size_text);
  } else if (denom != 1 && denom != 2 && denom != 4 && denom != 8) ok = fail(&err, DECODE_UNSUPPORTED, "scale must be 1/1, 1/2, 1/4 or 1/8");
  else if (cinfo.jpeg_color_space != JCS_GRAYSCALE && cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_RGB)
    ok = fail(&err, DECODE_UNSUPPORTED, "only grey, YCbCr and RGB JPEGs are read at reduced scale");
  if (!ok) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(message, message_size, "%s", scratch);
    return err.status;
  }

  cinfo.scale_num = 1;
  cinfo.scale_denom = (unsigned int)denom;
  cinfo.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&cinfo);

  const int w = (int)cinfo.output_width;
  const int h = (int)cinfo.output_height;
  /* the last partial block scales to a partial pixel: keep whole ones, as libvips does */
  const int keep_w = (int)cinfo.image_width / denom;
  const int keep_h = (int)cinfo.image_height / denom;
  if (keep_w < 1 || keep_h < 1 || keep_w > w || keep_h > h) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(message, message_size, "image too small for 1/%d scale", denom);
    return DECODE_UNSUPPORTED;
  }
  decoded = malloc((size_t)w * (size_t)h);
  if (!decoded) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(message, message_size, "out of memory for a %d x %d image", w, h);
    return DECODE_NO_MEMORY;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = decoded + (size_t)cinfo.output_scanline * (size_t)w;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  out->source_width = (int)cinfo.image_width;
  out->source_height = (int)cinfo.image_height;
  jpeg_destroy_decompress(&cinfo);

  if (keep_w != w) {
    for (int y = 1; y < keep_h; y++) memmove(decoded + (size_t)y * keep_w, decoded + (size_t)y * w, (size_t)keep_w);
  }
  out->pixels = decoded;
  out->width = keep_w;
  out->height = keep_h;
  message[0] = '\0';
  return DECODE_OK;
}
