# ASan + UBSan for the whole tree when LINGUA_SANITIZE is on (CI runs every test this way too).
if(LINGUA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
