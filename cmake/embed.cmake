# suanwang_embed(OUTPUT file.cpp FILES a b c BASE dir): compiles files into the binary as
# suanwang::embedded::find("relative/path") -> std::optional<std::string_view>.
function(suanwang_embed)
  cmake_parse_arguments(E "" "OUTPUT;BASE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DBASE=${E_BASE} "-DFILES=${E_FILES}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${E_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding schema files"
    VERBATIM)
endfunction()
