# lingua_embed_web(out_cpp DIR dir)
# Generates a C++ source holding every file under `dir` (the browser pages: HTML, JS modules, CSS, images) with its
# size and a content hash (the ETag), so the scheduler serves them from memory: nothing is read from disk or fetched
# at run time, and only files that were in the tree at build time can ever be served. Dotfiles are skipped. A file
# added to the directory is picked up at the next build (CONFIGURE_DEPENDS).
function(lingua_embed_web out_cpp)
  cmake_parse_arguments(ARG "" "DIR" "" ${ARGN})
  file(GLOB_RECURSE files CONFIGURE_DEPENDS LIST_DIRECTORIES false RELATIVE "${ARG_DIR}" "${ARG_DIR}/*")
  list(FILTER files EXCLUDE REGEX "(^|/)\\.")
  list(SORT files)
  set(deps)
  foreach(f IN LISTS files)
    list(APPEND deps "${ARG_DIR}/${f}")
  endforeach()
  list(JOIN files "," joined)
  add_custom_command(
    OUTPUT "${out_cpp}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DWEB_DIR=${ARG_DIR} -DFILES=${joined}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_web_run.cmake
    DEPENDS ${deps} ${CMAKE_SOURCE_DIR}/cmake/embed_web_run.cmake
    COMMENT "Embedding the browser pages (web/)")
endfunction()
