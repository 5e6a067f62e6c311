/* Node binding: decodeGreyScaled(bytes, denom, sourceWidth, sourceHeight, outWidth, outHeight) -> Promise. The decode and the
 * resample run on libuv's thread pool, so neither the main thread nor a worker's event loop waits
 * on them; the bytes are held by a reference until the work is done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include <node_api.h>

#include "area.h"
#include "decode.h"

struct job {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref bytes_ref;
  const unsigned char *data;
  size_t size;
  int denom;
  int expect_w;
  int expect_h;
  int out_w; /* 0: hand back the decoded pixels as they are */
  int out_h;
  struct grey_image image;
  float *resampled;
  enum decode_status status;
  char message[256];
};

static void execute(napi_env env, void *arg) {
  (void)env;
  struct job *job = arg;
  job->status = decode_grey_scaled(job->data, job->size, job->denom, job->expect_w, job->expect_h, &job->image, job->message, sizeof(job->message));
  if (job->status != DECODE_OK || job->out_w == 0) return;
  job->resampled = malloc(sizeof(float) * (size_t)job->out_w * (size_t)job->out_h);
  if (!job->resampled || !area_resample(job->image.pixels, job->image.width, job->image.height, job->resampled, job->out_w, job->out_h)) {
    job->status = DECODE_NO_MEMORY;
    strcpy(job->message, "out of memory while resampling");
  }
}

static void set_int(napi_env env, napi_value obj, const char *key, int v) {
  napi_value n;
  napi_create_int32(env, v, &n);
  napi_set_named_property(env, obj, key, n);
}

static const char *status_code(enum decode_status s) {
  return s == DECODE_UNSUPPORTED ? "unsupported" : s == DECODE_NO_MEMORY ? "no_memory" : "corrupt";
}

/* A typed array holding a copy of n bytes of pixels. Copied, not handed over as an external
 * buffer: Electron's V8 sandbox refuses external buffers (napi_no_external_buffers_allowed), and
 * the copy costs well under a tenth of a millisecond at the letterbox's size. */
static napi_status pixels_array(napi_env env, const void *pixels, size_t n, size_t element, napi_typedarray_type type, napi_value *array) {
  void *data;
  napi_value buffer;
  napi_status s = napi_create_arraybuffer(env, n * element, &data, &buffer);
  if (s != napi_ok) return s;
  memcpy(data, pixels, n * element);
  return napi_create_typedarray(env, type, n, buffer, 0, array);
}

static void complete(napi_env env, napi_status status, void *arg) {
  struct job *job = arg;
  napi_value result, array;
  if (status == napi_ok && job->status == DECODE_OK) {
    const int resampled = job->out_w != 0;
    const size_t n = resampled ? (size_t)job->out_w * (size_t)job->out_h : (size_t)job->image.width * (size_t)job->image.height;
    if (pixels_array(env, resampled ? (const void *)job->resampled : (const void *)job->image.pixels, n, resampled ? sizeof(float) : 1,
                     resampled ? napi_float32_array : napi_uint8_array, &array) != napi_ok) {
      job->status = DECODE_NO_MEMORY;
      strcpy(job->message, "could not hand the pixels to JavaScript");
    }
  }
  if (status != napi_ok || job->status != DECODE_OK) {
    napi_value msg, code, err;
    napi_create_string_utf8(env, job->status == DECODE_OK ? "decode cancelled" : job->message, NAPI_AUTO_LENGTH, &msg);
    napi_create_string_utf8(env, status_code(job->status), NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, msg, &err);
    napi_reject_deferred(env, job->deferred, err);
  } else {
    napi_create_object(env, &result);
    set_int(env, result, "width", job->out_w ? job->out_w : job->image.width);
    set_int(env, result, "height", job->out_w ? job->out_h : job->image.height);
    napi_set_named_property(env, result, "pixels", array);
    set_int(env, result, "decodedWidth", job->image.width);
    set_int(env, result, "decodedHeight", job->image.height);
    set_int(env, result, "sourceWidth", job->image.source_width);
    set_int(env, result, "sourceHeight", job->image.source_height);
    napi_resolve_deferred(env, job->deferred, result);
  }
  free(job->image.pixels);
  free(job->resampled);
  napi_delete_reference(env, job->bytes_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value throw_type(napi_env env, const char *text) {
  napi_throw_type_error(env, NULL, text);
  return NULL;
}

static napi_value decode_grey_scaled_js(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 6) return throw_type(env, "decodeGreyScaled(bytes, denom, sourceWidth, sourceHeight, outWidth, outHeight)");

  bool is_typed;
  napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed) return throw_type(env, "bytes must be a Uint8Array");
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL);
  if (type != napi_uint8_array) return throw_type(env, "bytes must be a Uint8Array");

  int32_t denom, expect_w, expect_h, out_w, out_h;
  if (napi_get_value_int32(env, argv[1], &denom) != napi_ok || napi_get_value_int32(env, argv[2], &expect_w) != napi_ok ||
      napi_get_value_int32(env, argv[3], &expect_h) != napi_ok || napi_get_value_int32(env, argv[4], &out_w) != napi_ok ||
      napi_get_value_int32(env, argv[5], &out_h) != napi_ok)
    return throw_type(env, "denom, the sizes and the output size must be numbers");
  if (out_w < 0 || out_h < 0 || (out_w == 0) != (out_h == 0) || (double)out_w * out_h > 1 << 28) return throw_type(env, "bad output size");

  struct job *job = calloc(1, sizeof(struct job));
  if (!job) return throw_type(env, "out of memory");
  job->data = data;
  job->size = length;
  job->denom = denom;
  job->expect_w = expect_w;
  job->expect_h = expect_h;
  job->out_w = out_w;
  job->out_h = out_h;
  napi_create_reference(env, argv[0], 1, &job->bytes_ref);

  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "jpeg-reduced", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute, complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, version;
  napi_create_function(env, "decodeGreyScaled", NAPI_AUTO_LENGTH, decode_grey_scaled_js, NULL, &fn);
  napi_set_named_property(env, exports, "decodeGreyScaled", fn);
#ifdef LIBJPEG_TURBO_VERSION_NUMBER
  napi_create_int32(env, LIBJPEG_TURBO_VERSION_NUMBER, &version); /* 2001005 is 2.1.5 */
#else
  napi_create_int32(env, 0, &version); /* a libjpeg that is not libjpeg-turbo */
#endif
  napi_set_named_property(env, exports, "libjpegTurboVersion", version);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
