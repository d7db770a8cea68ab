{
  # Built on the machine that runs it (npm install), so -march=native by default; for a binary
  # that ships to other machines build with `npx node-gyp rebuild -- -Dmarch=x86-64-v3` (or x86-64).
  # OpenBLAS picks its own kernels at run time either way.
  "variables": { "march%": "native" },
  "targets": [
    {
      "target_name": "bgw_kernels",
      "sources": ["src/kernels.c", "src/dimer.c", "src/addon.c"],
      "cflags": [
        "-O3",
        "-std=c11",
        "-march=<(march)",
        "-fno-trapping-math",
        "-fno-math-errno",
        "-fno-signed-zeros",
        "-fassociative-math"
      ],
      "libraries": ["-lopenblas"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
