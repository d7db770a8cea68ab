{
  "targets": [
    {
      "target_name": "bgw_kernels",
      "sources": ["src/kernels.c", "src/addon.c"],
      "cflags": ["-O3", "-std=c11", "-fno-trapping-math"],
      "libraries": ["-lopenblas"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
