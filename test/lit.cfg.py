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

# NVIDIA GPU code: `ptxas` where the CUDA toolkit's ptxas is (the kernels
# are compiled to cubins through it), `cuda-runtime` where
# libAtticCudaRuntime.so was built, and `cuda-device` where the NVIDIA
# driver sees a GPU. %cuda_stub is a directory whose libcuda.so.1 is the
# toolkit's stub library: every driver call fails with
# CUDA_ERROR_STUB_LIBRARY, which exercises a whole program up to the device.
if os.path.isfile(os.path.join(config.cuda_home, "bin", "ptxas")):
    config.available_features.add("ptxas")
runtime = os.path.join(config.attic_obj_root, "lib", "libAtticCudaRuntime.so")
if os.path.isfile(runtime) and os.path.isfile(config.cuda_driver_stub):
    config.available_features.add("cuda-runtime")
    stub_dir = os.path.join(config.attic_obj_root, "test", "cuda-stub")
    os.makedirs(stub_dir, exist_ok=True)
    stub = os.path.join(stub_dir, "libcuda.so.1")
    if not os.path.islink(stub):
        os.symlink(config.cuda_driver_stub, stub)
    config.substitutions.append(("%cuda_stub", stub_dir))
else:
    lit_config.note("libAtticCudaRuntime.so is not built (no CUDA toolkit): "
                    "the CUDA runtime checks are skipped")
smi = shutil.which("nvidia-smi")
if smi and os.system(f"{smi} -L > /dev/null 2>&1") == 0:
    config.available_features.add("cuda-device")
config.substitutions.append(("%attic_lib", os.path.join(config.attic_obj_root, "lib")))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["attic-onnx", "attic-opt", "attic-run", "onnx-import-fuzzer", "mlir-opt"],
    [config.attic_tools_dir, config.llvm_tools_dir]
)
