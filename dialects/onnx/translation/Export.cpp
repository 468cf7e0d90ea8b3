//===- Export.cpp - The onnx dialect to ONNX models -----------------------===//
//
// Writes the one function of a module of onnx ops as a ModelProto:
//
//   1. the opsets: the module's, the default domain's raised only where
//      an op needs a newer one (Attention, LinearAttention), and the IR
//      version to match
//   2. the function's arguments become the graph's inputs (their dynamic
//      dimensions named by `onnx.dims`), onnx.Constant ops initializers
//   3. each other op, in order, a node with its ONNX attributes as the
//      opset spells them (those at their default left out, a reduction's
//      axes an attribute before 18 and an input since); every value a
//      unique name (node outputs "<node>_<i>" unless the graph returns
//      them under their own name) and, when typed, a value_info
//   4. the returned values the graph's outputs (an Identity node where an
//      input or initializer is returned, or a value twice)
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/translation/Export.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace mlir::onnxir;
using llvm::StringRef;
using llvm::Twine;

namespace {

/// The ONNX data type of an element type, or UNDEFINED.
onnx::TensorProto::DataType dataType(Type t) {
  if (t.isF32())
    return onnx::TensorProto::FLOAT;
  if (t.isF64())
    return onnx::TensorProto::DOUBLE;
  if (t.isF16())
    return onnx::TensorProto::FLOAT16;
  if (t.isBF16())
    return onnx::TensorProto::BFLOAT16;
  if (t.isInteger(1))
    return onnx::TensorProto::BOOL;
  auto i = dyn_cast<IntegerType>(t);
  if (!i)
    return onnx::TensorProto::UNDEFINED;
  bool u = i.isUnsigned();
  switch (i.getWidth()) {
  case 8:
    return u ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  case 16:
    return u ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
  case 32:
    return u ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
  case 64:
    return u ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
  default:
    return onnx::TensorProto::UNDEFINED;
  }
}

/// The attributes an op of kind `name` has at their defaults (those the
/// op's properties start with), kept in `cache`.
DictionaryAttr
defaultsOf(OperationName name,
           llvm::DenseMap<OperationName, DictionaryAttr> &cache) {
  DictionaryAttr &defaults = cache[name];
  if (!defaults) {
    OperationState state(UnknownLoc::get(name.getContext()), name);
    Operation *blank = Operation::create(state);
    defaults = blank->getAttrDictionary();
    blank->destroy();
  }
  return defaults;
}

/// Whether `attr` of `op` is left out of its node: an attribute at its
/// ONNX default (the dialect materializes defaults, and some, such as
/// Cast's `saturate`, ReduceMax's `noop_with_empty_axes` or Attention's
/// window sizes, do not exist at every opset the node may be written at),
/// or one that the node's spelling
/// at `opset` does not have (Split's `num_outputs` before 18).
bool isLeftOut(Operation *op, NamedAttribute attr, int64_t opset,
               llvm::DenseMap<OperationName, DictionaryAttr> &defaults) {
  if (defaultsOf(op->getName(), defaults).get(attr.getName()) ==
      attr.getValue())
    return true;
  return isa<SplitOp>(op) && opset < 18 &&
         attr.getName().getValue() == "num_outputs";
}

/// Whether `op` is a reduction whose axes ONNX took as an attribute before
/// opset 18 (and as an input since).
bool hadAxesAttribute(Operation *op) {
  if (isa<ReduceMaxOp, ReduceMeanOp, ReduceLogSumExpOp>(op))
    return true;
  auto node = dyn_cast<NodeOp>(op);
  return node && (node.getDomain().empty() || node.getDomain() == "ai.onnx") &&
         llvm::is_contained({"ReduceL1", "ReduceL2", "ReduceLogSum",
                             "ReduceMin", "ReduceProd", "ReduceSumSquare",
                             "ReduceMax", "ReduceMean", "ReduceLogSumExp"},
                            node.getOpType());
}

/// The lowest opset of the default domain that expresses `op`.
int64_t opsetNeeded(Operation *op) {
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    if (attention.getLeftWindowSize() != -1 ||
        attention.getRightWindowSize() != -1)
      return 25;
    if (!isa<NoneType>(attention.getNonpadKvSeqlen().getType()))
      return 24;
    return 23;
  }
  if (isa<LinearAttentionOp>(op))
    return 27;
  return 0;
}

/// The IR version ONNX pairs with a default-domain opset.
int64_t irVersionFor(int64_t opset) {
  if (opset >= 23)
    return 11;
  if (opset >= 21)
    return 10;
  if (opset >= 19)
    return 9;
  return 8;
}

class Exporter {
public:
  explicit Exporter(func::FuncOp func) : func(func) {}

  LogicalResult run(onnx::ModelProto &model, ModuleOp module);

private:
  std::string unique(StringRef base) {
    std::string name = base.empty() ? "v" : base.str();
    for (int n = 1; !used.insert(name).second; ++n)
      name = (base + "_" + Twine(n)).str();
    return name;
  }
  /// The name of `value`; "" for an absent (none) value.
  std::string nameOf(Value value) {
    if (isa<NoneType>(value.getType()))
      return "";
    return names.lookup(value);
  }
  /// Writes `type` into `proto`; its dimensions named as in `dims` (an
  /// `onnx.dims` list) where given, the others static or left unknown.
  LogicalResult setType(Operation *at, Type type, onnx::TypeProto *proto,
                        ArrayAttr dims = nullptr);
  LogicalResult tensor(Operation *at, DenseElementsAttr value,
                       onnx::TensorProto *proto);
  LogicalResult attribute(Operation *op, StringRef name, Attribute value,
                          onnx::AttributeProto *proto);
  LogicalResult node(Operation *op, onnx::GraphProto &graph);

  func::FuncOp func;
  /// The default domain's opset the model is written at.
  int64_t opset = 0;
  /// The default attributes of each kind of op written.
  llvm::DenseMap<OperationName, DictionaryAttr> defaults;
  llvm::DenseMap<Value, std::string> names;
  llvm::StringSet<> used;
  /// The names the graph returns values under, by value.
  llvm::DenseMap<Value, std::string> outputNames;
};

LogicalResult Exporter::setType(Operation *at, Type type,
                                onnx::TypeProto *proto, ArrayAttr dims) {
  auto shaped = dyn_cast<TensorType>(type);
  if (!shaped)
    return at->emitError() << "cannot be exported: a value of type " << type
                           << " is no tensor";
  auto *tensorType = proto->mutable_tensor_type();
  if (isa<onnxir::UnknownType>(shaped.getElementType())) {
    tensorType->set_elem_type(onnx::TensorProto::UNDEFINED);
  } else {
    onnx::TensorProto::DataType elt = dataType(shaped.getElementType());
    if (elt == onnx::TensorProto::UNDEFINED)
      return at->emitError()
             << "cannot be exported: element type " << shaped.getElementType()
             << " has no ONNX data type";
    tensorType->set_elem_type(elt);
  }
  if (auto ranked = dyn_cast<RankedTensorType>(type)) {
    auto *shape = tensorType->mutable_shape();
    for (auto [i, d] : llvm::enumerate(ranked.getShape())) {
      auto *dim = shape->add_dim();
      auto name = dims && i < dims.size() ? dyn_cast<StringAttr>(dims[i])
                                          : StringAttr();
      // A named dimension keeps its name (the model's interface as
      // declared), even where the graph shows it static.
      if (name && !name.empty())
        dim->set_dim_param(name.str());
      else if (!ShapedType::isDynamic(d))
        dim->set_dim_value(d);
    }
  }
  return success();
}

LogicalResult Exporter::tensor(Operation *at, DenseElementsAttr value,
                               onnx::TensorProto *proto) {
  auto type = cast<ShapedType>(value.getType());
  Type elt = type.getElementType();
  onnx::TensorProto::DataType code = dataType(elt);
  if (code == onnx::TensorProto::UNDEFINED)
    return at->emitError() << "cannot be exported: element type " << elt
                           << " has no ONNX data type";
  proto->set_data_type(code);
  for (int64_t d : type.getShape())
    proto->add_dims(d);
  int64_t count = type.getNumElements();
  std::string raw;
  if (elt.isInteger(1)) {
    for (bool b : value.getValues<bool>())
      raw.push_back(b ? 1 : 0);
  } else {
    ArrayRef<char> data = value.getRawData();
    size_t width = (elt.getIntOrFloatBitWidth() + 7) / 8;
    if (value.isSplat())
      for (int64_t i = 0; i < count; ++i)
        raw.append(data.data(), width);
    else
      raw.assign(data.data(), data.size());
  }
  proto->set_raw_data(raw);
  return success();
}

LogicalResult Exporter::attribute(Operation *op, StringRef name,
                                  Attribute value,
                                  onnx::AttributeProto *proto) {
  proto->set_name(name.str());
  auto graph = [&](StringAttr s, onnx::GraphProto *g) {
    return g->ParseFromString(s.getValue().str());
  };
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    proto->set_type(onnx::AttributeProto::INT);
    proto->set_i(i.getValue().getSExtValue());
  } else if (auto f = dyn_cast<FloatAttr>(value)) {
    proto->set_type(onnx::AttributeProto::FLOAT);
    proto->set_f(static_cast<float>(f.getValueAsDouble()));
  } else if (auto s = dyn_cast<StringAttr>(value)) {
    if (isa<onnxir::GraphType>(s.getType())) {
      proto->set_type(onnx::AttributeProto::GRAPH);
      if (!graph(s, proto->mutable_g()))
        return op->emitError() << "cannot be exported: attribute '" << name
                               << "' holds no valid graph";
    } else {
      proto->set_type(onnx::AttributeProto::STRING);
      proto->set_s(s.getValue().str());
    }
  } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    proto->set_type(onnx::AttributeProto::TENSOR);
    return tensor(op, dense, proto->mutable_t());
  } else if (auto array = dyn_cast<ArrayAttr>(value)) {
    // The element kind decides; an empty list is ints.
    Attribute first = array.empty() ? Attribute() : array[0];
    if (!first || isa<IntegerAttr>(first)) {
      proto->set_type(onnx::AttributeProto::INTS);
      for (Attribute a : array)
        proto->add_ints(cast<IntegerAttr>(a).getValue().getSExtValue());
    } else if (isa<FloatAttr>(first)) {
      proto->set_type(onnx::AttributeProto::FLOATS);
      for (Attribute a : array)
        proto->add_floats(
            static_cast<float>(cast<FloatAttr>(a).getValueAsDouble()));
    } else if (auto s = dyn_cast<StringAttr>(first);
               s && isa<onnxir::GraphType>(s.getType())) {
      proto->set_type(onnx::AttributeProto::GRAPHS);
      for (Attribute a : array)
        if (!graph(cast<StringAttr>(a), proto->add_graphs()))
          return op->emitError() << "cannot be exported: attribute '" << name
                                 << "' holds no valid graph";
    } else if (s) {
      proto->set_type(onnx::AttributeProto::STRINGS);
      for (Attribute a : array)
        proto->add_strings(cast<StringAttr>(a).getValue().str());
    } else {
      return op->emitError() << "cannot be exported: attribute '" << name
                             << "' is a list of " << first;
    }
  } else {
    return op->emitError() << "cannot be exported: attribute '" << name
                           << "' = " << value << " has no ONNX kind";
  }
  return success();
}

LogicalResult Exporter::node(Operation *op, onnx::GraphProto &graph) {
  if (isa<NoneOp>(op))
    return success();
  std::string base = onnxir::nodeNameOf(op->getLoc());
  if (auto constant = dyn_cast<ConstantOp>(op)) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (!dense)
      return op->emitError("cannot be exported: its value is no dense "
                           "tensor");
    Value result = constant.getResult();
    std::string name = outputNames.lookup(result);
    if (name.empty())
      name = unique(base.empty() ? "const" : base);
    names[result] = name;
    onnx::TensorProto *t = graph.add_initializer();
    t->set_name(name);
    return tensor(op, dense, t);
  }
  onnx::NodeProto *n = graph.add_node();
  DictionaryAttr attrs;
  if (auto generic = dyn_cast<NodeOp>(op)) {
    n->set_domain(generic.getDomain().str());
    n->set_op_type(generic.getOpType().str());
    attrs = generic.getNodeAttrs();
  } else if (isa<ONNXDialect>(op->getDialect())) {
    n->set_op_type(op->getName().stripDialect().str());
    attrs = op->getAttrDictionary();
  } else {
    return op->emitError() << "cannot be exported: '"
                           << op->getName().getStringRef()
                           << "' is no ONNX operator (lower attic ops to "
                              "onnx first: attic-to-onnx)";
  }
  n->set_name(unique(base.empty() ? n->op_type() : base));
  for (NamedAttribute a : attrs) {
    if (isLeftOut(op, a, opset, defaults) ||
        (hadAxesAttribute(op) && opset >= 18 && a.getName() == "axes"))
      continue;
    if (failed(attribute(op, a.getName(), a.getValue(), n->add_attribute())))
      return failure();
  }
  for (Value operand : op->getOperands())
    n->add_input(nameOf(operand));
  // The axes of a reduction as the opset spells them: an attribute before
  // 18 (from the dialect's constant input), an input since (from the
  // attribute of a node read at an older opset).
  if (hadAxesAttribute(op) && opset < 18 && n->input_size() > 1) {
    std::optional<SmallVector<int64_t>> axes = constantInts(op->getOperand(1));
    if (!isa<NoneType>(op->getOperand(1).getType())) {
      if (!axes)
        return op->emitError() << "cannot be exported at opset " << opset
                               << ": its axes are not constant, and "
                                  "reductions before opset 18 take them as "
                                  "an attribute";
      onnx::AttributeProto *a = n->add_attribute();
      a->set_name("axes");
      a->set_type(onnx::AttributeProto::INTS);
      for (int64_t axis : *axes)
        a->add_ints(axis);
    }
    n->mutable_input()->DeleteSubrange(1, n->input_size() - 1);
  }
  if (hadAxesAttribute(op) && opset >= 18)
    if (auto axes = dyn_cast_or_null<ArrayAttr>(attrs.get("axes"))) {
      onnx::TensorProto *t = graph.add_initializer();
      t->set_name(unique(n->name() + "_axes"));
      t->set_data_type(onnx::TensorProto::INT64);
      t->add_dims(axes.size());
      for (Attribute axis : axes)
        t->add_int64_data(cast<IntegerAttr>(axis).getInt());
      n->mutable_input()->DeleteSubrange(1, n->input_size() - 1);
      n->add_input(t->name());
    }
  // Trailing absent inputs and outputs are left out.
  while (n->input_size() > 0 && n->input(n->input_size() - 1).empty())
    n->mutable_input()->RemoveLast();
  for (auto [i, result] : llvm::enumerate(op->getResults())) {
    if (isa<NoneType>(result.getType())) {
      n->add_output("");
      continue;
    }
    std::string name = outputNames.lookup(result);
    if (name.empty())
      name = unique(n->name() + "_" + std::to_string(i));
    names[result] = name;
    n->add_output(name);
    onnx::ValueInfoProto *info = graph.add_value_info();
    info->set_name(name);
    if (failed(setType(op, result.getType(), info->mutable_type())))
      return failure();
  }
  while (n->output_size() > 0 && n->output(n->output_size() - 1).empty())
    n->mutable_output()->RemoveLast();
  return success();
}

LogicalResult Exporter::run(onnx::ModelProto &model, ModuleOp module) {
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name(func.getSymName().str());
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());

  // 1. The opsets and the IR version.
  // The model's own opset (the dialect's spellings, 18, for a module that
  // declares none), raised only where an op needs a newer one.
  int64_t ir = 0;
  std::optional<int64_t> declared;
  SmallVector<std::pair<std::string, int64_t>> others;
  if (auto imports = module->getAttrOfType<DictionaryAttr>("onnx.opset_import"))
    for (NamedAttribute entry : imports) {
      int64_t version = cast<IntegerAttr>(entry.getValue()).getInt();
      if (entry.getName() == "ai.onnx")
        declared = version;
      else
        others.push_back({entry.getName().str(), version});
    }
  opset = declared.value_or(18);
  func.walk([&](Operation *op) {
    opset = std::max(opset, opsetNeeded(op));
    // A domain a node uses and the model did not import: version 1.
    if (auto node = dyn_cast<NodeOp>(op)) {
      StringRef domain = node.getDomain();
      if (!domain.empty() && domain != "ai.onnx" &&
          llvm::none_of(
              others, [&](const auto &entry) { return entry.first == domain; }))
        others.push_back({domain.str(), 1});
    }
  });
  if (auto version = module->getAttrOfType<IntegerAttr>("onnx.ir_version"))
    ir = version.getInt();
  model.set_ir_version(std::max(ir, irVersionFor(opset)));
  auto *id = model.add_opset_import();
  id->set_domain("");
  id->set_version(opset);
  for (auto &[domain, version] : others) {
    auto *other = model.add_opset_import();
    other->set_domain(domain);
    other->set_version(version);
  }
  if (auto producer = module->getAttrOfType<StringAttr>("onnx.producer_name"))
    model.set_producer_name(producer.getValue().str());

  // 2. Inputs.
  for (BlockArgument arg : body.getArguments()) {
    auto name =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "onnx.name");
    std::string unique_ = unique(
        name ? name.getValue() : ("input_" + Twine(arg.getArgNumber())).str());
    names[arg] = unique_;
    onnx::ValueInfoProto *info = graph.add_input();
    info->set_name(unique_);
    if (failed(setType(
            func, arg.getType(), info->mutable_type(),
            func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "onnx.dims"))))
      return failure();
  }
  // The names the outputs are returned under, for values a node defines
  // (and returns once).
  SmallVector<std::string> resultNames;
  llvm::DenseMap<Value, int> returned;
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    auto name = func.getResultAttrOfType<StringAttr>(i, "onnx.name");
    resultNames.push_back(name ? name.getValue().str()
                               : ("output_" + Twine(i)).str());
    ++returned[value];
  }
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    Operation *def = value.getDefiningOp();
    if (def && !isa<NoneOp, ConstantOp>(def) && returned[value] == 1 &&
        !used.contains(resultNames[i]))
      outputNames[value] = unique(resultNames[i]);
  }

  // 3. The nodes.
  for (Operation &op : body.without_terminator())
    if (failed(node(&op, graph)))
      return failure();

  // 4. The outputs: an Identity where the value is not a node's own.
  for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
    std::string name = nameOf(value);
    if (outputNames.lookup(value) != name || name.empty()) {
      if (name.empty())
        return ret.emitError()
               << "cannot be exported: result " << i << " is an absent value";
      onnx::NodeProto *identity = graph.add_node();
      identity->set_op_type("Identity");
      identity->set_name(unique("output_" + std::to_string(i)));
      identity->add_input(name);
      name = unique(resultNames[i]);
      identity->add_output(name);
    }
    onnx::ValueInfoProto *info = graph.add_output();
    info->set_name(name);
    if (failed(setType(ret, value.getType(), info->mutable_type(),
                       func.getResultAttrOfType<ArrayAttr>(i, "onnx.dims"))))
      return failure();
  }
  return success();
}

} // namespace

LogicalResult mlir::onnxir::exportModel(ModuleOp module, std::string &bytes) {
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() != 1)
    return module.emitError() << "cannot be exported: a model is one "
                                 "function, the module has "
                              << funcs.size();
  onnx::ModelProto model;
  if (failed(Exporter(funcs.front()).run(model, module)))
    return failure();
  if (!model.SerializeToString(&bytes))
    return module.emitError("cannot be exported: the model does not "
                            "serialize (larger than 2 GiB?)");
  return success();
}
