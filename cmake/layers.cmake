# suanwang_layer(NAME DIR folder DEPS layer...): the static library suanwang_<NAME> of every .cpp
# under <folder>, linked PUBLIC to suanwang_<dep> for each dependency. The table of folders and
# dependencies is written to <build>/layers.txt for cmake/check_layers.py, which
# suanwang_layer_check() runs before any library compiles.
function(suanwang_layer name)
  cmake_parse_arguments(L "" "DIR" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${L_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/gateway/main\\.cpp$")
  if(sources)
    add_library(suanwang_${name} STATIC ${sources})
  else()
    add_library(suanwang_${name} STATIC ${CMAKE_SOURCE_DIR}/cmake/pch.cpp)
  endif()
  target_link_libraries(suanwang_${name} PUBLIC suanwang_asio)
  foreach(dep ${L_DEPS})
    target_link_libraries(suanwang_${name} PUBLIC suanwang_${dep})
  endforeach()
  target_precompile_headers(suanwang_${name} REUSE_FROM suanwang_pch)
  list(JOIN L_DEPS " " deps)
  set_property(GLOBAL APPEND PROPERTY SUANWANG_LAYERS "${name} ${L_DIR} ${deps}")
  set_property(GLOBAL APPEND PROPERTY SUANWANG_LAYER_TARGETS suanwang_${name})
endfunction()

function(suanwang_layer_check)
  get_property(layers GLOBAL PROPERTY SUANWANG_LAYERS)
  get_property(targets GLOBAL PROPERTY SUANWANG_LAYER_TARGETS)
  string(REPLACE ";" "\n" text "${layers}")
  file(WRITE ${CMAKE_BINARY_DIR}/layers.txt "${text}\n")
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  add_custom_target(suanwang_layer_check ALL
    COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/cmake/check_layers.py
            ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/layers.txt
    COMMENT "Checking that no folder includes a layer above it"
    VERBATIM)
  foreach(t ${targets})
    add_dependencies(${t} suanwang_layer_check)
  endforeach()
endfunction()
