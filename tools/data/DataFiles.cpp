//===- DataFiles.cpp - Arrays from and to .npy and ONNX .pb files ---------===//
//
// Both formats are small enough to read directly: .npy is a text header and
// the raw array; a TensorProto is a handful of protobuf fields, decoded here
// from the wire format so that this tool needs no protobuf library.
//
//===----------------------------------------------------------------------===//

#include "tools/data/DataFiles.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::run;
using cpu::HostArray;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return error(path + ": cannot read: " + buffer.getError().message());
  return std::move(*buffer);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

/// The element type of a NumPy type string such as "<f4" or "|b1".
Type npyElementType(MLIRContext *ctx, StringRef descr) {
  Builder b(ctx);
  if (descr.size() != 3 || !StringRef("<|=").contains(descr[0]))
    return {};
  StringRef kind = descr.drop_front();
  if (kind == "f2")
    return b.getF16Type();
  if (kind == "f4")
    return b.getF32Type();
  if (kind == "f8")
    return b.getF64Type();
  if (kind == "b1")
    return b.getI1Type();
  if (kind == "i1")
    return b.getI8Type();
  if (kind == "i2")
    return b.getI16Type();
  if (kind == "i4")
    return b.getI32Type();
  if (kind == "i8")
    return b.getI64Type();
  return {};
}

/// The value of `key` in the header dictionary, up to the next top-level
/// comma or closing brace.
StringRef headerValue(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return {};
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return {};
  rest = rest.ltrim();
  size_t end =
      rest.starts_with("(") ? rest.find(')') + 1 : rest.find_first_of(",}");
  return rest.take_front(end).trim();
}

} // namespace

llvm::Expected<HostArray> run::readNpy(MLIRContext *ctx, StringRef path) {
  auto file = readFile(path);
  if (!file)
    return file.takeError();
  StringRef bytes = (*file)->getBuffer();
  auto bad = [&](const llvm::Twine &why) {
    return error(path + ": not a readable .npy file: " + why);
  };
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10)
    return bad("missing the \\x93NUMPY magic");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t headerLen, headerAt;
  if (major == 1) {
    headerLen =
        static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
    headerAt = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return bad("truncated header");
    headerLen = 0;
    for (int i = 3; i >= 0; --i)
      headerLen = headerLen << 8 | static_cast<uint8_t>(bytes[8 + i]);
    headerAt = 12;
  } else {
    return bad("unknown format version " + llvm::Twine(major));
  }
  if (bytes.size() < headerAt + headerLen)
    return bad("truncated header");
  StringRef header = bytes.substr(headerAt, headerLen);

  StringRef descr = headerValue(header, "descr").trim("'\"");
  Type elt = npyElementType(ctx, descr);
  if (!elt)
    return bad("unsupported dtype '" + descr +
               "' (expected little-endian f2, f4, f8, b1, i1, i2, i4 or i8)");
  if (headerValue(header, "fortran_order") != "False")
    return bad("Fortran-ordered arrays are not supported");
  StringRef shapeText = headerValue(header, "shape");
  if (!shapeText.consume_front("(") || !shapeText.consume_back(")"))
    return bad("no shape in the header");
  SmallVector<int64_t> shape;
  SmallVector<StringRef> dims;
  shapeText.split(dims, ',', -1, /*KeepEmpty=*/false);
  for (StringRef dim : dims) {
    int64_t size;
    if (dim.trim().getAsInteger(10, size) || size < 0)
      return bad("bad shape entry '" + dim.trim() + "'");
    shape.push_back(size);
  }

  HostArray array(elt, shape);
  StringRef data = bytes.drop_front(headerAt + headerLen);
  if (data.size() != array.data.size())
    return bad("holds " + llvm::Twine(data.size()) +
               " data bytes, the shape "
               "and dtype need " +
               llvm::Twine(array.data.size()));
  std::memcpy(array.data.data(), data.data(), data.size());
  return array;
}

llvm::Error run::writeNpy(const HostArray &array, StringRef path) {
  HostArray converted;
  const HostArray *source = &array;
  StringRef descr;
  Type t = array.elementType;
  if (t.isBF16()) {
    converted = HostArray(Builder(t.getContext()).getF32Type(), array.shape);
    for (int64_t i = 0, n = array.numElements(); i < n; ++i)
      converted.setFromDouble(i, array.getAsDouble(i));
    source = &converted;
    descr = "<f4";
  } else if (t.isF16()) {
    descr = "<f2";
  } else if (t.isF32()) {
    descr = "<f4";
  } else if (t.isF64()) {
    descr = "<f8";
  } else if (t.isInteger(1)) {
    descr = "|b1";
  } else if (t.isInteger(8)) {
    descr = "|i1";
  } else if (t.isInteger(16)) {
    descr = "<i2";
  } else if (t.isInteger(32)) {
    descr = "<i4";
  } else {
    descr = "<i8";
  }

  std::string header =
      "{'descr': '" + descr.str() + "', 'fortran_order': False, 'shape': (";
  for (auto [i, d] : llvm::enumerate(array.shape))
    header += (i ? ", " : "") + std::to_string(d);
  // A 1-tuple needs its trailing comma.
  header += array.shape.size() == 1 ? ",), }" : "), }";
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return error(path + ": cannot write: " + ec.message());
  os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
     << char(header.size() >> 8) << header;
  os.write(reinterpret_cast<const char *>(source->data.data()),
           source->data.size());
  os.close();
  if (os.has_error())
    return error(path + ": cannot write: " + os.error().message());
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// ONNX TensorProto
//===----------------------------------------------------------------------===//

namespace {

/// A reader of the protobuf wire format.
struct WireReader {
  StringRef bytes;
  bool failed = false;

  bool atEnd() const { return bytes.empty() || failed; }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (bytes.empty())
        break;
      uint8_t byte = bytes.front();
      bytes = bytes.drop_front();
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return value;
    }
    failed = true;
    return 0;
  }

  StringRef take(uint64_t n) {
    if (n > bytes.size()) {
      failed = true;
      return {};
    }
    StringRef out = bytes.take_front(n);
    bytes = bytes.drop_front(n);
    return out;
  }

  /// Skips a field of `wireType`.
  void skip(unsigned wireType) {
    switch (wireType) {
    case 0:
      varint();
      return;
    case 1:
      take(8);
      return;
    case 2:
      take(varint());
      return;
    case 5:
      take(4);
      return;
    default:
      failed = true;
    }
  }
};

/// Appends the values of a repeated scalar field: packed (wire type 2) or
/// one value (varint, fixed32 or fixed64).
template <typename T>
void readRepeated(WireReader &r, unsigned wireType, std::vector<T> &out) {
  auto one = [&](WireReader &from, unsigned type) {
    if (type == 0) {
      out.push_back(static_cast<T>(from.varint()));
    } else {
      StringRef raw = from.take(type == 5 ? 4 : 8);
      if (raw.size() == sizeof(T)) {
        T value;
        std::memcpy(&value, raw.data(), sizeof(T));
        out.push_back(value);
      } else {
        from.failed = true;
      }
    }
  };
  if (wireType != 2)
    return one(r, wireType);
  WireReader packed{r.take(r.varint())};
  unsigned elementWire = sizeof(T) == 4 && std::is_floating_point_v<T>   ? 5
                         : sizeof(T) == 8 && std::is_floating_point_v<T> ? 1
                                                                         : 0;
  while (!packed.atEnd())
    one(packed, elementWire);
  r.failed |= packed.failed;
}

} // namespace

llvm::Expected<HostArray> run::readTensorProto(MLIRContext *ctx,
                                               StringRef path) {
  auto file = readFile(path);
  if (!file)
    return file.takeError();
  auto bad = [&](const llvm::Twine &why) {
    return error(path + ": not a readable ONNX TensorProto: " + why);
  };
  WireReader r{(*file)->getBuffer()};
  std::vector<int64_t> dims, int64Data;
  std::vector<int32_t> int32Data;
  std::vector<float> floatData;
  std::vector<double> doubleData;
  int64_t dataType = 0;
  StringRef raw;
  bool hasRaw = false, external = false;
  while (!r.atEnd()) {
    uint64_t key = r.varint();
    unsigned field = key >> 3, wire = key & 7;
    switch (field) {
    case 1:
      readRepeated(r, wire, dims);
      break;
    case 2:
      dataType = static_cast<int64_t>(r.varint());
      break;
    case 4:
      readRepeated(r, wire, floatData);
      break;
    case 5:
      readRepeated(r, wire, int32Data);
      break;
    case 7:
      readRepeated(r, wire, int64Data);
      break;
    case 9:
      raw = r.take(r.varint());
      hasRaw = true;
      break;
    case 10:
      readRepeated(r, wire, doubleData);
      break;
    case 14:
      external = r.varint() == 1;
      break;
    default:
      r.skip(wire);
    }
  }
  if (r.failed)
    return bad("malformed protobuf data");
  if (external)
    return bad("the data is stored externally, which is not supported here");
  // Attic's functions take signless integers only.
  Type elt = onnxir::elementTypeOfDataType(ctx, dataType);
  if (!elt || elt.isUnsignedInteger())
    return bad("unsupported data type " + llvm::Twine(dataType));
  for (int64_t d : dims)
    if (d < 0)
      return bad("negative dimension " + llvm::Twine(d));

  HostArray array(elt, dims);
  int64_t n = array.numElements();
  if (hasRaw) {
    if (raw.size() != array.data.size())
      return bad("raw_data holds " + llvm::Twine(raw.size()) +
                 " bytes, the shape and type need " +
                 llvm::Twine(array.data.size()));
    std::memcpy(array.data.data(), raw.data(), raw.size());
    return array;
  }
  // Typed fields: float_data (FLOAT), double_data, int64_data, and
  // int32_data for every narrower type (FLOAT16 and BFLOAT16 as bit patterns).
  size_t count = elt.isF32()         ? floatData.size()
                 : elt.isF64()       ? doubleData.size()
                 : elt.isInteger(64) ? int64Data.size()
                                     : int32Data.size();
  if (static_cast<int64_t>(count) != n)
    return bad("holds " + llvm::Twine(count) + " values, the shape needs " +
               llvm::Twine(n));
  size_t bytes = array.elementBytes();
  for (int64_t i = 0; i < n; ++i) {
    uint8_t *to = array.data.data() + i * bytes;
    if (elt.isF32())
      std::memcpy(to, &floatData[i], 4);
    else if (elt.isF64())
      std::memcpy(to, &doubleData[i], 8);
    else if (elt.isInteger(64))
      std::memcpy(to, &int64Data[i], 8);
    else if (elt.isF16() || elt.isBF16() || elt.isInteger(16)) {
      uint16_t bits = static_cast<uint16_t>(int32Data[i]);
      std::memcpy(to, &bits, 2);
    } else if (elt.isInteger(32)) {
      std::memcpy(to, &int32Data[i], 4);
    } else {
      uint8_t byte = static_cast<uint8_t>(int32Data[i]);
      if (elt.isInteger(1))
        byte = byte != 0;
      *to = byte;
    }
  }
  return array;
}

llvm::Expected<HostArray> run::readArray(MLIRContext *ctx, StringRef path) {
  if (path.ends_with(".npy"))
    return readNpy(ctx, path);
  if (path.ends_with(".pb"))
    return readTensorProto(ctx, path);
  return error(path + ": unknown data file type (expected .npy or .pb)");
}

std::optional<std::string> run::findDataFile(StringRef dir, StringRef stem,
                                             size_t index) {
  for (StringRef ext : {".npy", ".pb"}) {
    std::string path = (dir + "/" + stem + "_" + Twine(index) + ext).str();
    if (llvm::sys::fs::exists(path))
      return path;
  }
  return std::nullopt;
}
