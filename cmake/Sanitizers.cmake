# ASan + UBSan for the whole tree when LINGUA_SANITIZE is on (CI runs every test this way too).
if(LINGUA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
# The fuzz flavour (tools/build.sh fuzz): every object is instrumented for libFuzzer; the fuzzer mains link
# -fsanitize=fuzzer themselves (tests/fuzz/CMakeLists.txt).
if(LINGUA_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
