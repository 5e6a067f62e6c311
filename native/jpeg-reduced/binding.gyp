{
  "targets": [
    {
      "target_name": "jpeg_reduced",
      "sources": ["src/addon.c", "src/decode.c", "src/area.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-ljpeg"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
