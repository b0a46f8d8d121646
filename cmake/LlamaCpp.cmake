# Imported targets for the llama.cpp build that scripts/build-llama.sh leaves in its cache
# directory (LLAMA_CPP_DIR, holding src/ and build/). Static libraries, linked PRIVATE by vlm/ and
# service/ only, so llama.h never leaks upward.
if(NOT LLAMA_CPP_DIR OR NOT EXISTS "${LLAMA_CPP_DIR}/.complete")
  message(FATAL_ERROR "LLAMA_CPP_DIR is unset or unfinished; run scripts/build-llama.sh and pass "
                      "-DLLAMA_CPP_DIR=<the directory it prints>")
endif()
set(_src "${LLAMA_CPP_DIR}/src")
set(_bld "${LLAMA_CPP_DIR}/build")
find_package(Threads REQUIRED)
find_package(OpenMP)

function(_llama_import name file)
  file(GLOB_RECURSE _found "${_bld}/${file}")
  list(FILTER _found EXCLUDE REGEX "CMakeFiles")
  list(LENGTH _found _n)
  if(NOT _n EQUAL 1)
    message(FATAL_ERROR "expected one ${file} under ${_bld}, found: ${_found}")
  endif()
  add_library(${name} STATIC IMPORTED GLOBAL)
  set_target_properties(${name} PROPERTIES IMPORTED_LOCATION "${_found}")
endfunction()

_llama_import(llama_ggml_base libggml-base.a)
_llama_import(llama_ggml_cpu libggml-cpu.a)
_llama_import(llama_ggml libggml.a)
_llama_import(llama_llama libllama.a)
_llama_import(llama_mtmd libmtmd.a)
_llama_import(llama_common libllama-common.a)
_llama_import(llama_common_base libllama-common-base.a)
_llama_import(llama_httplib libcpp-httplib.a)
_llama_import(llama_vendor_hash libvendor-hash.a)

# ggml-base's quantizers and ggml-cpu both use OpenMP (GGML_OPENMP is on by default).
set(_ggml_deps "Threads::Threads;m")
if(OpenMP_CXX_FOUND)
  list(APPEND _ggml_deps OpenMP::OpenMP_CXX)
endif()
set_target_properties(llama_ggml_base PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_src}/ggml/include"
  INTERFACE_LINK_LIBRARIES "${_ggml_deps}")
set_target_properties(llama_ggml_cpu PROPERTIES INTERFACE_LINK_LIBRARIES "llama_ggml_base")
set_target_properties(llama_ggml PROPERTIES INTERFACE_LINK_LIBRARIES "llama_ggml_cpu;llama_ggml_base;dl")
set_target_properties(llama_llama PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_src}/include"
  INTERFACE_LINK_LIBRARIES "llama_ggml")
set_target_properties(llama_mtmd PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_src}/tools/mtmd"
  INTERFACE_LINK_LIBRARIES "llama_llama;llama_vendor_hash")
set_target_properties(llama_common_base PROPERTIES INTERFACE_LINK_LIBRARIES "llama_llama")
set_target_properties(llama_common PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_src}/common"
  INTERFACE_LINK_LIBRARIES "llama_common_base;llama_httplib;llama_llama")
set_target_properties(llama_httplib PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_src}/vendor/cpp-httplib"
  INTERFACE_LINK_LIBRARIES "Threads::Threads")

# The reference CLI that tests compare the engine against, token for token.
set(LLAMA_MTMD_CLI "${_bld}/bin/llama-mtmd-cli")
file(READ "${LLAMA_CPP_DIR}/VERSION" LLAMA_CPP_VERSION)
string(STRIP "${LLAMA_CPP_VERSION}" LLAMA_CPP_VERSION)
