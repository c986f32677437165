{
  "targets": [
    {
      "target_name": "mbench_native",
      "sources": [
        "src/addon.cc",
        "src/pool.cc",
        "src/gemm.cc",
        "src/elementwise.cc",
        "src/norm.cc",
        "src/attention.cc",
        "src/mlm_head.cc"
      ],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc": ["-O3", "-fexceptions", "-fno-math-errno", "-fno-trapping-math", "-fassociative-math", "-fno-signed-zeros", "-Wall", "-Wno-unused-function"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}
