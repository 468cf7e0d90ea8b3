//===- DataFiles.h - Arrays from and to .npy and ONNX .pb files -*- C++ -*-===//

#ifndef ATTIC_TOOLS_DATA_DATAFILES_H
#define ATTIC_TOOLS_DATA_DATAFILES_H

#include "codegen/cpu/HostArray.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace mlir::attic::run {

/// Reads a NumPy .npy file (format 1.0-3.0, little-endian, C order) of f2,
/// f4, f8, b1, i1, i2, i4 or i8.
llvm::Expected<cpu::HostArray> readNpy(MLIRContext *ctx, StringRef path);

/// Reads a serialized ONNX TensorProto (raw_data or the typed data fields)
/// of FLOAT, FLOAT16, BFLOAT16, DOUBLE, BOOL, INT8, INT16, INT32 or INT64.
llvm::Expected<cpu::HostArray> readTensorProto(MLIRContext *ctx,
                                               StringRef path);

/// Reads `path` by its extension: .npy or .pb.
llvm::Expected<cpu::HostArray> readArray(MLIRContext *ctx, StringRef path);

/// The file `DIR/<stem>_<index>.npy` or `.pb` (as ONNX's test data sets
/// name them: input_0.pb, output_1.npy), whichever exists.
std::optional<std::string> findDataFile(StringRef dir, StringRef stem,
                                        size_t index);

/// Writes `array` as a .npy file; bf16, which NumPy lacks, is written as f4.
llvm::Error writeNpy(const cpu::HostArray &array, StringRef path);

} // namespace mlir::attic::run

#endif // ATTIC_TOOLS_DATA_DATAFILES_H
