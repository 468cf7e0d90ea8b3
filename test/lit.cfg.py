# -*- Python -*-
# Substitutions and tools of the Attic test suite; paths come from
# lit.site.cfg.py, which CMake writes into the build tree.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "Attic"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.attic_obj_root, "test")

config.substitutions.append(("%attic_src", config.attic_src_root))
config.substitutions.append(("%attic_build", config.attic_obj_root))

# Runs @main of LLVM-dialect IR on the CPU with the runner utilities
# (printMemrefF32 and friends).
runner_libs = ",".join(
    os.path.join(config.llvm_lib_dir, lib)
    for lib in ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"]
)
config.substitutions.append(
    (
        "%run_main",
        f"{config.llvm_tools_dir}/mlir-runner -e main -entry-point-result=void"
        f" -shared-libs={runner_libs}",
    )
)

# Writes the inputs and expected results of a named case of the naive
# float64 references (test/utils/naive.py) to a directory.
config.substitutions.append(
    ("%naive", f"/usr/bin/python3 {config.attic_src_root}/test/utils/naive.py")
)

# ONNX's backend node tests (libonnx-testdata): model.onnx and
# test_data_set_0/{input,output}_<i>.pb per test.
config.substitutions.append(
    ("%onnx_node_data", "/usr/share/libonnx-testdata/data/node")
)

# MLIR's headers (mlir-c/ for C hosts).
config.substitutions.append(("%llvm_include", config.llvm_include_dir))

# The C compiler that built Attic: links AOT-compiled objects and C programs.
config.substitutions.append(("%cc", config.c_compiler))

# CMake as it built Attic, configuring a project with the same generator and
# C++ compiler: the out-of-tree users of the installed package.
config.substitutions.append(
    (
        "%cmake_configure",
        f'"{config.cmake_command}" -G "{config.cmake_generator}"'
        f' -DCMAKE_CXX_COMPILER="{config.cxx_compiler}"',
    )
)
config.substitutions.append(("%cmake", f'"{config.cmake_command}"'))

# ONNX Runtime's CPU library, as tools/dev.sh installs it from npm: the
# tests that run exported models in it need the `onnxruntime` feature and
# are reported as unsupported without it.
ort_modules = os.path.join(config.attic_obj_root, "ort", "node_modules")
if os.path.isfile(os.path.join(ort_modules, "onnxruntime-node", "package.json")) \
        and shutil.which("node"):
    config.available_features.add("onnxruntime")
    config.substitutions.append(("%ort_modules", ort_modules))
else:
    lit_config.note("ONNX Runtime (onnxruntime-node under build/ort) is not "
                    "installed: the ONNX Runtime checks are skipped")

# The importer's fuzzer, built where clang's libFuzzer runtime is.
if os.path.isfile(os.path.join(config.attic_tools_dir, "onnx-import-fuzzer")):
    config.available_features.add("libfuzzer")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["attic-onnx", "attic-opt", "attic-run", "onnx-import-fuzzer", "mlir-opt"],
    [config.attic_tools_dir, config.llvm_tools_dir]
)
