//===- Import.cpp - ONNX models to the onnx dialect -----------------------===//
//
// Reads a ModelProto and writes its graph as one func.func of onnx ops:
//
//   1. the model: parse, check the default domain's opset (13 to 27), run
//      ONNX shape inference (with data propagation) so that intermediate
//      values get types
//   2. the graph's inputs become the function's arguments, its
//      initializers onnx.Constant ops; the names of their symbolic
//      dimensions (dim_param), and the outputs', are kept as `onnx.dims`
//   3. each node, in order, becomes the typed op of its type when the
//      dialect has one (operands and results padded with none to the op's
//      arity, attributes under their ONNX names, older opsets brought to
//      the dialect's semantics), onnx.Node otherwise
//   4. the graph's outputs are returned, and the module verified
//
// The only code that sees ONNX's protobuf classes; built with exceptions,
// since ONNX's shape inference throws.
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/translation/Import.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include <exception>

using namespace mlir;
using namespace mlir::onnxir;
using llvm::StringRef;
using llvm::Twine;

namespace {

constexpr int64_t kMinOpset = 13;

/// The error for a node input that nothing defines.
std::string undefinedInput(const std::string &node, StringRef name) {
  return node + " reads '" + name.str() +
         "', which no earlier node, graph input or initializer defines";
}
constexpr int64_t kMaxOpset = 27;

/// The inputs and outputs of a typed op; -1 for variadic.
struct Arity {
  StringRef opType;
  int inputs;
  int outputs;
};

/// Every typed op of the dialect, by ONNX type.
constexpr Arity kTypedOps[] = {
    {"Exp", 1, 1},
    {"Log", 1, 1},
    {"Neg", 1, 1},
    {"Sqrt", 1, 1},
    {"Not", 1, 1},
    {"Softplus", 1, 1},
    {"Relu", 1, 1},
    {"Tanh", 1, 1},
    {"Erf", 1, 1},
    {"Sigmoid", 1, 1},
    {"Reciprocal", 1, 1},
    {"Identity", 1, 1},
    {"Elu", 1, 1},
    {"Add", 2, 1},
    {"Sub", 2, 1},
    {"Mul", 2, 1},
    {"Div", 2, 1},
    {"Equal", 2, 1},
    {"Less", 2, 1},
    {"Or", 2, 1},
    {"And", 2, 1},
    {"Pow", 2, 1},
    {"Where", 3, 1},
    {"Cast", 1, 1},
    {"MatMul", 2, 1},
    {"Gemm", 3, 1},
    {"Softmax", 1, 1},
    {"LogSoftmax", 1, 1},
    {"ReduceMax", 2, 1},
    {"ReduceSum", 2, 1},
    {"ReduceMean", 2, 1},
    {"ReduceLogSumExp", 2, 1},
    {"TopK", 2, 2},
    {"ArgMax", 1, 1},
    {"Constant", 0, 1},
    {"ConstantOfShape", 1, 1},
    {"Shape", 1, 1},
    {"Transpose", 1, 1},
    {"Reshape", 2, 1},
    {"Expand", 2, 1},
    {"Unsqueeze", 2, 1},
    {"Squeeze", 2, 1},
    {"Concat", -1, 1},
    {"Slice", 5, 1},
    {"Split", 2, -1},
    {"Gather", 2, 1},
    {"GatherElements", 2, 1},
    {"Trilu", 2, 1},
    {"LayerNormalization", 3, 3},
    {"NegativeLogLikelihoodLoss", 3, 1},
    {"SoftmaxCrossEntropyLoss", 3, 2},
    {"Attention", 7, 4},
    {"LinearAttention", 6, 2},
};

const Arity *typedOp(StringRef opType) {
  for (const Arity &arity : kTypedOps)
    if (arity.opType == opType)
      return &arity;
  return nullptr;
}

/// The reductions whose axes were an attribute before opset 18.
bool reducesWithAxesAttribute(StringRef opType, int64_t opset) {
  return opset < 18 && (opType == "ReduceMax" || opType == "ReduceMean" ||
                        opType == "ReduceLogSumExp");
}

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// Appends the `width`-byte little-endian representation of `bits`.
void appendRaw(std::string &raw, uint64_t bits, unsigned width) {
  for (unsigned i = 0; i < width; ++i)
    raw.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

class Importer {
public:
  Importer(MLIRContext *context, StringRef modelPath,
           ArrayRef<InputShape> inputShapes)
      : context(context), modelPath(modelPath), inputShapes(inputShapes),
        fileLoc(FileLineColLoc::get(context, modelPath, 0, 0)) {}

  OwningOpRef<ModuleOp> run(onnx::ModelProto &model);

private:
  InFlightDiagnostic error(Location loc, const Twine &message) {
    return emitError(loc) << modelPath << ": " << message;
  }
  InFlightDiagnostic error(const Twine &message) {
    return error(fileLoc, message);
  }

  FailureOr<Type> elementType(int32_t code, const Twine &what);
  FailureOr<Type> valueType(const onnx::TypeProto &type, StringRef name);
  FailureOr<DenseElementsAttr> tensor(const onnx::TensorProto &t,
                                      const Twine &what);
  FailureOr<std::string> externalData(const onnx::TensorProto &t,
                                      const Twine &what);
  /// The names of `info`'s symbolic dimensions (dim_param; "" for the
  /// others), or null when it has none.
  ArrayAttr symbolicDims(const onnx::ValueInfoProto &info);
  FailureOr<Attribute> attribute(const onnx::AttributeProto &a,
                                 const Twine &what);
  FailureOr<Attribute> constantValue(const onnx::NodeProto &node,
                                     const Twine &what);
  LogicalResult node(OpBuilder &b, const onnx::NodeProto &node);
  /// Gives the graph inputs named in `inputShapes` their shapes.
  LogicalResult specialize(onnx::GraphProto &graph);
  Type typeOf(StringRef name) {
    auto it = types.find(name);
    if (it != types.end())
      return it->second;
    return UnrankedTensorType::get(UnknownType::get(context));
  }

  MLIRContext *context;
  StringRef modelPath;
  ArrayRef<InputShape> inputShapes;
  Location fileLoc;
  int64_t opset = 0;
  /// The declared or inferred type of every named value that has one.
  llvm::StringMap<Type> types;
  /// The value of every name defined so far.
  llvm::StringMap<Value> values;
  Value none;
};

FailureOr<Type> Importer::elementType(int32_t code, const Twine &what) {
  if (code == onnx::TensorProto::UNDEFINED)
    return Type(UnknownType::get(context));
  if (Type type = elementTypeOfDataType(context, code))
    return type;
  StringRef name = onnx::TensorProto::DataType_IsValid(code)
                       ? StringRef(onnx::TensorProto::DataType_Name(
                             static_cast<onnx::TensorProto::DataType>(code)))
                       : StringRef("unknown");
  error(what + " has element type " + name + " (" + Twine(code) +
        "), which Attic does not support");
  return failure();
}

FailureOr<Type> Importer::valueType(const onnx::TypeProto &type,
                                    StringRef name) {
  if (!type.has_tensor_type()) {
    if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET)
      return Type(UnrankedTensorType::get(UnknownType::get(context)));
    error("value '" + name +
          "' is not a tensor (a sequence, map or optional); Attic takes "
          "tensors only");
    return failure();
  }
  const onnx::TypeProto::Tensor &t = type.tensor_type();
  FailureOr<Type> elt = elementType(t.elem_type(), "value '" + name + "'");
  if (failed(elt))
    return failure();
  if (!t.has_shape())
    return Type(UnrankedTensorType::get(*elt));
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &d : t.shape().dim())
    shape.push_back(d.has_dim_value() && d.dim_value() >= 0
                        ? d.dim_value()
                        : ShapedType::kDynamic);
  return Type(RankedTensorType::get(shape, *elt));
}

ArrayAttr Importer::symbolicDims(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return nullptr;
  Builder b(context);
  SmallVector<Attribute> names;
  bool any = false;
  for (const onnx::TensorShapeProto::Dimension &d :
       info.type().tensor_type().shape().dim()) {
    any |= d.has_dim_param() && !d.dim_param().empty();
    names.push_back(
        b.getStringAttr(d.has_dim_param() ? d.dim_param() : std::string()));
  }
  return any ? b.getArrayAttr(names) : nullptr;
}

FailureOr<std::string> Importer::externalData(const onnx::TensorProto &t,
                                              const Twine &what) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : t.external_data()) {
    StringRef value = entry.value();
    uint64_t n = 0;
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      if (value.getAsInteger(10, n)) {
        error(what + ": external data " + entry.key() + " '" + value +
              "' is not a number");
        return failure();
      }
      (entry.key() == "offset" ? offset : length.emplace()) = n;
    }
  }
  if (location.empty()) {
    error(what + ": external data without a location");
    return failure();
  }
  // Only files beside the model, as ONNX's checker requires.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         "..")) {
    error(what + ": external data location '" + location +
          "' must be a path relative to the model's folder, inside it");
    return failure();
  }
  SmallString<256> path(llvm::sys::path::parent_path(modelPath));
  llvm::sys::path::append(path, location);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error(what + ": cannot read external data '" + path +
          "': " + buffer.getError().message());
    return failure();
  }
  StringRef data = (*buffer)->getBuffer();
  if (offset > data.size() || (length && *length > data.size() - offset)) {
    error(what + ": external data '" + path + "' has " + Twine(data.size()) +
          " bytes, fewer than offset " + Twine(offset) + " + length " +
          Twine(length.value_or(0)));
    return failure();
  }
  return data.substr(offset, length ? *length : StringRef::npos).str();
}

FailureOr<DenseElementsAttr> Importer::tensor(const onnx::TensorProto &t,
                                              const Twine &what) {
  FailureOr<Type> elt = elementType(t.data_type(), what);
  if (failed(elt))
    return failure();
  if (isa<UnknownType>(*elt)) {
    error(what + " has no element type");
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && count > std::numeric_limits<int64_t>::max() / d)) {
      error(what + " has an invalid dimension " + Twine(d));
      return failure();
    }
    shape.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(shape, *elt);
  unsigned width = std::max<unsigned>(1, elt->getIntOrFloatBitWidth() / 8);

  std::string raw;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<std::string> data = externalData(t, what);
    if (failed(data))
      return failure();
    raw = std::move(*data);
  } else if (t.has_raw_data()) {
    raw = t.raw_data();
  } else {
    // The typed fields, each element widened to 32 or 64 bits.
    auto fill = [&](const auto &field) {
      for (auto v : field) {
        uint64_t bits;
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, float>)
          bits = llvm::bit_cast<uint32_t>(v);
        else if constexpr (std::is_same_v<std::decay_t<decltype(v)>, double>)
          bits = llvm::bit_cast<uint64_t>(v);
        else
          bits = static_cast<uint64_t>(v);
        appendRaw(raw, bits, width);
      }
      return static_cast<int64_t>(field.size());
    };
    int64_t given = 0;
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      given = fill(t.float_data());
      break;
    case onnx::TensorProto::DOUBLE:
      given = fill(t.double_data());
      break;
    case onnx::TensorProto::INT64:
      given = fill(t.int64_data());
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      given = fill(t.uint64_data());
      break;
    default: // int32_data holds every narrower type, and f16/bf16 bits.
      given = fill(t.int32_data());
      break;
    }
    if (given != count) {
      error(what + " holds " + Twine(given) + " values for " + Twine(count) +
            " elements");
      return failure();
    }
  }
  if (static_cast<int64_t>(raw.size()) != count * width) {
    error(what + " has " + Twine(raw.size()) + " bytes of data for " +
          Twine(count) + " elements of " + Twine(width) + " bytes");
    return failure();
  }
  if (elt->isInteger(1)) {
    SmallVector<bool> bits;
    for (char c : raw)
      bits.push_back(c != 0);
    return DenseElementsAttr::get(type, bits);
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(raw.data(), raw.size()));
}

FailureOr<Attribute> Importer::attribute(const onnx::AttributeProto &a,
                                         const Twine &what) {
  Builder b(context);
  auto ints = [&](const auto &field) {
    SmallVector<Attribute> items;
    for (int64_t v : field)
      items.push_back(b.getI64IntegerAttr(v));
    return b.getArrayAttr(items);
  };
  switch (a.type()) {
  case onnx::AttributeProto::INT:
    return Attribute(b.getI64IntegerAttr(a.i()));
  case onnx::AttributeProto::FLOAT:
    return Attribute(b.getF32FloatAttr(a.f()));
  case onnx::AttributeProto::STRING:
    return Attribute(b.getStringAttr(a.s()));
  case onnx::AttributeProto::INTS:
    return Attribute(ints(a.ints()));
  case onnx::AttributeProto::FLOATS: {
    SmallVector<Attribute> items;
    for (float v : a.floats())
      items.push_back(b.getF32FloatAttr(v));
    return Attribute(b.getArrayAttr(items));
  }
  case onnx::AttributeProto::STRINGS: {
    SmallVector<Attribute> items;
    for (const std::string &v : a.strings())
      items.push_back(b.getStringAttr(v));
    return Attribute(b.getArrayAttr(items));
  }
  case onnx::AttributeProto::TENSOR: {
    FailureOr<DenseElementsAttr> value =
        tensor(a.t(), what + " attribute '" + a.name() + "'");
    if (failed(value))
      return failure();
    return Attribute(*value);
  }
  case onnx::AttributeProto::GRAPH:
    return Attribute(StringAttr::get(a.g().SerializeAsString(),
                                     onnxir::GraphType::get(context)));
  case onnx::AttributeProto::GRAPHS: {
    SmallVector<Attribute> items;
    for (const onnx::GraphProto &g : a.graphs())
      items.push_back(StringAttr::get(g.SerializeAsString(),
                                      onnxir::GraphType::get(context)));
    return Attribute(b.getArrayAttr(items));
  }
  default:
    break;
  }
  error(what + " attribute '" + a.name() + "' is of type " +
        onnx::AttributeProto::AttributeType_Name(a.type()) +
        ", which Attic does not support");
  return failure();
}

FailureOr<Attribute> Importer::constantValue(const onnx::NodeProto &node,
                                             const Twine &what) {
  Builder b(context);
  if (node.attribute_size() != 1) {
    error(what + " needs exactly one value attribute, has " +
          Twine(node.attribute_size()));
    return failure();
  }
  const onnx::AttributeProto &a = node.attribute(0);
  StringRef name = a.name();
  if (name == "value")
    return attribute(a, what);
  if (name == "value_float")
    return Attribute(DenseElementsAttr::get(
        RankedTensorType::get({}, b.getF32Type()), a.f()));
  if (name == "value_int")
    return Attribute(DenseElementsAttr::get(
        RankedTensorType::get({}, b.getI64Type()), a.i()));
  if (name == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    return Attribute(DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getF32Type()),
        ArrayRef<float>(v)));
  }
  if (name == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    return Attribute(DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getI64Type()),
        ArrayRef<int64_t>(v)));
  }
  error(what + " has a '" + name +
        "' value, which Attic does not support (string and sparse tensors)");
  return failure();
}

LogicalResult Importer::node(OpBuilder &b, const onnx::NodeProto &node) {
  StringRef opType = node.op_type();
  std::string what = "node '" + node.name() + "' (" + node.op_type() + ")";
  Location loc = NameLoc::get(
      b.getStringAttr(node.name().empty() ? node.op_type() : node.name()),
      fileLoc);
  const Arity *arity =
      isDefaultDomain(node.domain()) ? typedOp(opType) : nullptr;
  for (auto [kind, given, most] :
       {std::tuple<StringRef, int, int>{"inputs", node.input_size(),
                                        arity ? arity->inputs : -1},
        {"outputs", node.output_size(), arity ? arity->outputs : -1}})
    if (most >= 0 && given > most) {
      error(loc, what + " has " + Twine(given) + " " + kind + "; " + opType +
                     " has at most " + Twine(most));
      return failure();
    }

  // Operands, padded with none to the typed op's arity.
  SmallVector<Value> operands;
  int numInputs =
      arity && arity->inputs >= 0 ? arity->inputs : node.input_size();
  for (int i = 0; i < numInputs; ++i) {
    StringRef name = i < node.input_size() ? StringRef(node.input(i)) : "";
    if (name.empty()) {
      if (arity && arity->inputs < 0) {
        error(loc, what + " has an empty input name at position " + Twine(i));
        return failure();
      }
      operands.push_back(none);
      continue;
    }
    auto it = values.find(name);
    if (it == values.end())
      return error(loc, undefinedInput(what, name));
    operands.push_back(it->second);
  }

  // Attributes under their ONNX names; older opsets brought up to date.
  NamedAttrList attrs;
  if (arity && opType == "Constant") {
    FailureOr<Attribute> value = constantValue(node, what);
    if (failed(value))
      return failure();
    attrs.set("value", *value);
  } else {
    for (const onnx::AttributeProto &a : node.attribute()) {
      FailureOr<Attribute> value = attribute(a, what);
      if (failed(value))
        return failure();
      attrs.set(a.name(), *value);
    }
  }
  if (arity && reducesWithAxesAttribute(opType, opset)) {
    if (std::optional<NamedAttribute> axes = attrs.getNamed("axes")) {
      SmallVector<int64_t> list;
      auto items = dyn_cast<ArrayAttr>(axes->getValue());
      for (Attribute v : items ? items.getValue() : ArrayRef<Attribute>()) {
        auto i = dyn_cast<IntegerAttr>(v);
        if (!i)
          items = nullptr;
        else
          list.push_back(i.getInt());
      }
      if (!items) {
        error(loc, what + " has an 'axes' attribute that is no list of ints");
        return failure();
      }
      auto type = RankedTensorType::get({static_cast<int64_t>(list.size())},
                                        b.getI64Type());
      operands[1] = ConstantOp::create(
          b, loc, type, DenseElementsAttr::get(type, ArrayRef<int64_t>(list)));
      attrs.erase("axes");
    }
  }
  if (arity && opType == "Split" && opset < 18 &&
      isa<NoneType>(operands[1].getType()))
    attrs.set("num_outputs", b.getI64IntegerAttr(node.output_size()));

  // Results: the declared or inferred types; none for absent outputs.
  SmallVector<Type> resultTypes;
  int numOutputs =
      arity && arity->outputs >= 0 ? arity->outputs : node.output_size();
  for (int i = 0; i < numOutputs; ++i) {
    StringRef name = i < node.output_size() ? StringRef(node.output(i)) : "";
    resultTypes.push_back(name.empty() ? Type(b.getNoneType()) : typeOf(name));
  }
  if (arity && opType == "Constant") {
    auto value = dyn_cast<TypedAttr>(attrs.get("value"));
    if (!value) {
      error(loc, what + " has a value that is no tensor");
      return failure();
    }
    resultTypes[0] = value.getType();
  }

  Operation *op;
  if (arity) {
    // Attributes of the wrong kind (a list where an int belongs) are
    // refused here: the op would not hold them.
    OperationName name(("onnx." + opType).str(), context);
    if (failed(name.verifyInherentAttrs(
            attrs, [&] { return error(loc, what + ": "); })))
      return failure();
    OperationState state(loc, ("onnx." + opType).str());
    state.addOperands(operands);
    state.addTypes(resultTypes);
    state.addAttributes(attrs);
    op = b.create(state);
  } else {
    op = NodeOp::create(b, loc, resultTypes, b.getStringAttr(node.domain()),
                        b.getStringAttr(opType), attrs.getDictionary(context),
                        operands);
  }
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      values[node.output(i)] = op->getResult(i);
  return success();
}

LogicalResult Importer::specialize(onnx::GraphProto &graph) {
  llvm::StringSet<> initialized;
  for (const onnx::TensorProto &t : graph.initializer())
    initialized.insert(t.name());
  for (const InputShape &given : inputShapes) {
    onnx::ValueInfoProto *input = nullptr;
    std::string names;
    for (onnx::ValueInfoProto &info : *graph.mutable_input()) {
      if (initialized.contains(info.name()))
        continue;
      if (info.name() == given.name)
        input = &info;
      names += (names.empty() ? "" : ", ") + info.name();
    }
    std::string what = "input '" + given.name + "'";
    if (!input)
      return error("the model has no " + what + " (its inputs: " + names + ")");
    if (!input->type().has_tensor_type())
      return error(what + " is not a tensor; it takes no shape");
    for (int64_t d : given.shape)
      if (d < 0)
        return error(what + ": a dimension of the given shape is negative");
    onnx::TypeProto::Tensor *t = input->mutable_type()->mutable_tensor_type();
    if (t->has_shape()) {
      const onnx::TensorShapeProto &declared = t->shape();
      if (declared.dim_size() != static_cast<int>(given.shape.size()))
        return error(what + " has rank " + Twine(declared.dim_size()) +
                     "; the given shape has " + Twine(given.shape.size()) +
                     " dimensions");
      for (auto [i, d] : llvm::enumerate(given.shape))
        if (declared.dim(i).has_dim_value() && declared.dim(i).dim_value() != d)
          return error(what + " dimension " + Twine(i) + " is " +
                       Twine(declared.dim(i).dim_value()) +
                       "; the given shape has " + Twine(d));
    }
    onnx::TensorShapeProto *shape = t->mutable_shape();
    shape->clear_dim();
    for (int64_t d : given.shape)
      shape->add_dim()->set_dim_value(d);
  }
  return success();
}

OwningOpRef<ModuleOp> Importer::run(onnx::ModelProto &model) {
  Builder b(context);
  // 1. The opsets, then shape inference.
  std::optional<int64_t> defaultOpset;
  SmallVector<NamedAttribute> opsets;
  for (const onnx::OperatorSetIdProto &id : model.opset_import()) {
    if (isDefaultDomain(id.domain()))
      defaultOpset = id.version();
    // The default domain as "ai.onnx": an empty key does not parse back.
    opsets.push_back(
        b.getNamedAttr(isDefaultDomain(id.domain()) ? "ai.onnx" : id.domain(),
                       b.getI64IntegerAttr(id.version())));
  }
  if (!defaultOpset) {
    error("the model imports no opset of the default ONNX domain");
    return nullptr;
  }
  opset = *defaultOpset;
  if (opset < kMinOpset || opset > kMaxOpset) {
    error("opset " + Twine(opset) +
          " of the default domain is not supported (" + Twine(kMinOpset) +
          " to " + Twine(kMaxOpset) +
          " are); convert the model first, e.g. with "
          "onnx.version_converter");
    return nullptr;
  }
  if (!model.has_graph()) {
    error("the model has no graph");
    return nullptr;
  }
  // What ONNX's shape inference assumes without checking (it divides by a
  // Split's output count, and reads the type of a Shape's input): every
  // node reads only values defined before it and has an output, and a
  // Split's num_outputs is positive.
  llvm::StringSet<> defined;
  for (const onnx::ValueInfoProto &info : model.graph().input())
    defined.insert(info.name());
  for (const onnx::TensorProto &t : model.graph().initializer())
    defined.insert(t.name());
  for (const onnx::NodeProto &node : model.graph().node()) {
    std::string what = "node '" + node.name() + "' (" + node.op_type() + ")";
    for (const std::string &input : node.input())
      if (!input.empty() && !defined.contains(input)) {
        error(undefinedInput(what, input));
        return nullptr;
      }
    for (const std::string &output : node.output())
      defined.insert(output);
    if (node.output_size() == 0) {
      error(what + " has no outputs");
      return nullptr;
    }
    if (node.op_type() == "Split" && isDefaultDomain(node.domain()))
      for (const onnx::AttributeProto &attr : node.attribute())
        if (attr.name() == "num_outputs" && attr.i() < 1) {
          error(what + " has num_outputs " + Twine(attr.i()) +
                "; it must be at least 1");
          return nullptr;
        }
  }
  if (failed(specialize(*model.mutable_graph())))
    return nullptr;
  // The symbolic dimensions as the model declares them (shape inference
  // may replace a name by the size it finds).
  llvm::StringMap<ArrayAttr> declaredDims;
  for (const auto *list : {&model.graph().input(), &model.graph().output()})
    for (const onnx::ValueInfoProto &info : *list)
      if (ArrayAttr dims = symbolicDims(info))
        declaredDims[info.name()] = dims;
  try {
    // With data propagation, shapes computed by Shape -> Gather -> Concat
    // chains are known where their values are static.
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    error(Twine("ONNX shape inference failed: ") + e.what());
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();
  auto declare = [&](const onnx::ValueInfoProto &info) -> LogicalResult {
    if (!info.has_type())
      return success();
    FailureOr<Type> type = valueType(info.type(), info.name());
    if (failed(type))
      return failure();
    types[info.name()] = *type;
    return success();
  };
  for (const auto *list :
       {&graph.input(), &graph.value_info(), &graph.output()})
    for (const onnx::ValueInfoProto &info : *list)
      if (failed(declare(info)))
        return nullptr;

  // 2. The function: inputs without an initializer are its arguments.
  llvm::StringSet<> initialized;
  for (const onnx::TensorProto &t : graph.initializer())
    initialized.insert(t.name());
  SmallVector<const onnx::ValueInfoProto *> inputs;
  SmallVector<Type> argTypes, resultTypes;
  for (const onnx::ValueInfoProto &info : graph.input())
    if (!initialized.contains(info.name())) {
      inputs.push_back(&info);
      argTypes.push_back(typeOf(info.name()));
    }
  for (const onnx::ValueInfoProto &info : graph.output())
    resultTypes.push_back(typeOf(info.name()));

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("onnx.opset_import", b.getDictionaryAttr(opsets));
  (*module)->setAttr("onnx.ir_version",
                     b.getI64IntegerAttr(model.ir_version()));
  if (!model.producer_name().empty())
    (*module)->setAttr("onnx.producer_name",
                       b.getStringAttr(model.producer_name()));
  OpBuilder builder = OpBuilder::atBlockEnd(module->getBody());
  std::string name = graph.name().empty() ? "main_graph" : graph.name();
  auto func = func::FuncOp::create(builder, fileLoc, name,
                                   b.getFunctionType(argTypes, resultTypes));
  Block *body = func.addEntryBlock();
  for (auto [i, info] : llvm::enumerate(inputs)) {
    func.setArgAttr(i, "onnx.name", b.getStringAttr(info->name()));
    if (ArrayAttr dims = declaredDims.lookup(info->name()))
      func.setArgAttr(i, "onnx.dims", dims);
    values[info->name()] = body->getArgument(i);
  }
  for (auto [i, info] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "onnx.name", b.getStringAttr(info.name()));
    if (ArrayAttr dims = declaredDims.lookup(info.name()))
      func.setResultAttr(i, "onnx.dims", dims);
  }
  builder.setInsertionPointToStart(body);
  none = NoneOp::create(builder, fileLoc, builder.getNoneType());
  for (const onnx::TensorProto &t : graph.initializer()) {
    FailureOr<DenseElementsAttr> value =
        tensor(t, "initializer '" + t.name() + "'");
    if (failed(value))
      return nullptr;
    values[t.name()] = ConstantOp::create(
        builder, NameLoc::get(b.getStringAttr(t.name()), fileLoc),
        value->getType(), *value);
  }

  // 3. The nodes, in order.
  for (const onnx::NodeProto &n : graph.node())
    if (failed(node(builder, n)))
      return nullptr;

  // 4. The outputs.
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    auto it = values.find(info.name());
    if (it == values.end()) {
      error("graph output '" + info.name() +
            "' is defined by no node, input "
            "or initializer");
      return nullptr;
    }
    results.push_back(it->second);
  }
  // A value's type in the graph may be more precise than its output
  // declaration; the function returns what the graph computes.
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func::ReturnOp::create(builder, fileLoc, results);
  if (none.use_empty())
    none.getDefiningOp()->erase();
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

OwningOpRef<ModuleOp>
mlir::onnxir::importModel(MLIRContext *context, StringRef bytes,
                          StringRef modelPath,
                          ArrayRef<InputShape> inputShapes) {
  context->loadDialect<ONNXDialect, func::FuncDialect>();
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(FileLineColLoc::get(context, modelPath, 0, 0))
        << modelPath
        << ": not a valid ONNX model (the file does not parse as a "
           "ModelProto; truncated or corrupt?)";
    return nullptr;
  }
  return Importer(context, modelPath, inputShapes).run(model);
}
