//===- Compile.cpp - Lower Attic modules for the CPU and emit them --------===//

#include "codegen/cpu/Compile.h"
#include "codegen/cpu/HostArray.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::cpu;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Runs `fn`, turning the first error diagnostic it emits into the message
/// of the returned error.
llvm::Error withDiagnostics(MLIRContext *ctx, const llvm::Twine &step,
                            function_ref<LogicalResult()> fn) {
  FirstErrorRecorder recorder(ctx);
  if (succeeded(fn()))
    return llvm::Error::success();
  const std::string &first = recorder.get();
  return error(step + " failed" + (first.empty() ? "" : ": " + first));
}

std::string describe(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// The C type of a buffer element of `type`: f16 and bf16 travel as their
/// bits, i1 as one byte.
StringRef cElementType(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (type.isF16() || type.isBF16())
    return "uint16_t";
  if (type.isInteger(1))
    return "uint8_t";
  if (type.isInteger(8))
    return "int8_t";
  if (type.isInteger(16))
    return "int16_t";
  if (type.isInteger(32))
    return "int32_t";
  return "int64_t";
}

/// `attic_memref_<rank>d_<element>`, e.g. attic_memref_2d_f32.
std::string descriptorName(RankedTensorType type) {
  return ("attic_memref_" + llvm::Twine(type.getRank()) + "d_" +
          describe(type.getElementType()))
      .str();
}

} // namespace

FirstErrorRecorder::FirstErrorRecorder(MLIRContext *ctx)
    : handler(std::make_unique<ScopedDiagnosticHandler>(
          ctx, [this](Diagnostic &diag) {
            if (diag.getSeverity() == DiagnosticSeverity::Error &&
                first.empty()) {
              llvm::raw_string_ostream os(first);
              Location at = diag.getLocation();
              auto name = dyn_cast<NameLoc>(at);
              if (name)
                at = name.getChildLoc();
              // An imported model's node is its file (line 0) and name.
              if (auto loc = dyn_cast<FileLineColLoc>(at)) {
                os << loc.getFilename().getValue();
                if (loc.getLine() != 0)
                  os << ":" << loc.getLine() << ":" << loc.getColumn();
                os << ": ";
              }
              if (name)
                os << "node '" << name.getName().getValue() << "': ";
              os << diag.str();
            }
            return success();
          })) {}

FirstErrorRecorder::~FirstErrorRecorder() = default;

llvm::Error cpu::checkCallable(func::FuncOp func) {
  if (func.isExternal())
    return error("function @" + func.getSymName() + " is only declared");
  auto check = [&](TypeRange types, StringRef kind) -> llvm::Error {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !elementBytes(tensor.getElementType()))
        return error("function @" + func.getSymName() + " " + kind + " " +
                     llvm::Twine(i) + " has type " + describe(type) +
                     "; only ranked tensors of f16, bf16, f32, f64, i1, i8, "
                     "i16, i32 or i64 are supported");
    }
    return llvm::Error::success();
  };
  if (llvm::Error e = check(func.getArgumentTypes(), "argument"))
    return e;
  return check(func.getResultTypes(), "result");
}

llvm::Error cpu::checkArgument(const HostArray &array, RankedTensorType type,
                               const llvm::Twine &what) {
  if (array.elementType != type.getElementType())
    return error(what + " has element type " + describe(array.elementType) +
                 ", expected " + describe(type.getElementType()));
  auto shapeString = [](ArrayRef<int64_t> shape) {
    std::string s = "[";
    for (auto [i, d] : llvm::enumerate(shape))
      s += (i ? ", " : "") +
           (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
    return s + "]";
  };
  bool fits = static_cast<int64_t>(array.shape.size()) == type.getRank();
  for (int64_t i = 0; fits && i < type.getRank(); ++i)
    fits = ShapedType::isDynamic(type.getDimSize(i)) ||
           type.getDimSize(i) == array.shape[i];
  if (!fits)
    return error(what + " has shape " + shapeString(array.shape) +
                 ", expected " + shapeString(type.getShape()));
  return llvm::Error::success();
}

llvm::Expected<OwningOpRef<ModuleOp>> cpu::parseModuleFile(MLIRContext *ctx,
                                                           StringRef path) {
  FirstErrorRecorder firstError(ctx);
  llvm::SourceMgr sourceMgr;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buffer)
    return error(path + ": cannot read: " + buffer.getError().message());
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(ctx));
  if (!module)
    return error(firstError.get().empty() ? path + ": cannot parse"
                                          : firstError.get());
  return module;
}

llvm::Error cpu::runPassPipeline(ModuleOp module, StringRef pipeline,
                                 StringRef what) {
  PassManager pm(module.getContext());
  std::string parseError;
  llvm::raw_string_ostream os(parseError);
  if (failed(parsePassPipeline(pipeline, pm, os)))
    return error("invalid pass pipeline '" + pipeline +
                 "': " + llvm::StringRef(parseError).trim());
  std::string step =
      what.empty() ? ("pass pipeline '" + pipeline + "'").str() : what.str();
  return withDiagnostics(module.getContext(), step,
                         [&] { return pm.run(module); });
}

llvm::Error cpu::lowerModule(ModuleOp module, StringRef prePipeline,
                             StringRef what,
                             function_ref<void(OpPassManager &)> build) {
  MLIRContext *ctx = module.getContext();
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(ctx));

  if (!prePipeline.empty())
    if (llvm::Error e = runPassPipeline(module, prePipeline))
      return e;
  PassManager lower(ctx);
  build(lower);
  if (llvm::Error e =
          withDiagnostics(ctx, what, [&] { return lower.run(module); }))
    return e;

  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  ctx->appendDialectRegistry(registry);
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  return llvm::Error::success();
}

llvm::Error cpu::lowerForCpu(ModuleOp module, StringRef prePipeline,
                             const CpuPipelineOptions &options) {
  return lowerModule(module, prePipeline, "lowering for the CPU",
                     [&](OpPassManager &pm) { buildCpuPipeline(pm, options); });
}

llvm::Error cpu::emitObjectFile(ModuleOp module, const CpuTarget &target,
                                llvm::raw_pwrite_stream &os) {
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string lookupError;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!llvmTarget)
    return error("no LLVM target for " + triple.str() + ": " + lookupError);
  std::string cpu = target.cpu, features;
  if (cpu == "host") {
    cpu = llvm::sys::getHostCPUName().str();
    SmallVector<std::string> enabled;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      enabled.push_back((feature.second ? "+" : "-") + feature.first().str());
    features = llvm::join(enabled, ",");
  } else {
    std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
        llvmTarget->createMCSubtargetInfo(triple, cpu, ""));
    if (!subtarget || !subtarget->isCPUStringValid(cpu))
      return error("unknown CPU '" + cpu + "' for " + triple.str());
  }
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return error("cannot create a target machine for " + triple.str());

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule;
  if (llvm::Error e =
          withDiagnostics(module.getContext(), "translation to LLVM IR", [&] {
            llvmModule = translateModuleToLLVMIR(module, llvmContext);
            return success(llvmModule != nullptr);
          }))
    return e;
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  if (llvm::Error e = makeOptimizingTransformer(/*optLevel=*/3,
                                                /*sizeLevel=*/0, machine.get())(
          llvmModule.get()))
    return e;

  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return error("the target cannot emit object files");
  codegen.run(*llvmModule);
  return llvm::Error::success();
}

llvm::Error cpu::emitCHeader(ModuleOp module, StringRef guard,
                             raw_ostream &os) {
  SmallVector<func::FuncOp> funcs;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    if (llvm::Error e = checkCallable(func))
      return e;
    StringRef name = func.getSymName();
    if (!llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; }) ||
        llvm::isDigit(name.front()))
      return error("function @" + name +
                   " cannot be exported: its name is not a C identifier");
    funcs.push_back(func);
  }
  if (funcs.empty())
    return error("the module defines no public function to export");

  os << "/* Generated by attic-onnx compile: the C entry points of an "
        "Attic-compiled\n"
        " * object file.\n"
        " *\n"
        " * A tensor crosses as a memref descriptor: a row-major tensor "
        "of shape\n"
        " * sizes[] has allocated = aligned = its data, offset 0 and "
        "strides[i] the\n"
        " * product of sizes[i+1..]. f16 and bf16 elements travel as "
        "their bits\n"
        " * (uint16_t), i1 elements as one byte. Results are written "
        "through the\n"
        " * first pointer; their buffers come from malloc, and the caller "
        "frees a\n"
        " * result's `allocated` unless it is an argument's (a function "
        "may return\n"
        " * its input) or another result's. Link with -lm. */\n\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n";

  llvm::SetVector<RankedTensorType> tensorTypes;
  for (func::FuncOp func : funcs)
    for (Type type : llvm::concat<const Type>(func.getArgumentTypes(),
                                              func.getResultTypes()))
      tensorTypes.insert(cast<RankedTensorType>(type));
  llvm::StringSet<> declared;
  for (RankedTensorType type : tensorTypes) {
    std::string name = descriptorName(type);
    if (!declared.insert(name).second)
      continue;
    os << "\ntypedef struct {\n  " << cElementType(type.getElementType())
       << " *allocated;\n  " << cElementType(type.getElementType())
       << " *aligned;\n  int64_t offset;\n";
    if (type.getRank() > 0)
      os << "  int64_t sizes[" << type.getRank() << "];\n  int64_t strides["
         << type.getRank() << "];\n";
    os << "} " << name << ";\n";
  }

  for (func::FuncOp func : funcs) {
    StringRef name = func.getSymName();
    ArrayRef<Type> results = func.getResultTypes();
    std::string resultType;
    if (results.size() == 1)
      resultType = descriptorName(cast<RankedTensorType>(results[0]));
    if (results.size() > 1) {
      resultType = ("attic_" + name + "_results").str();
      os << "\n/* The results of @" << name << ". */\ntypedef struct {\n";
      for (auto [i, type] : llvm::enumerate(results))
        os << "  " << descriptorName(cast<RankedTensorType>(type)) << " r" << i
           << ";\n";
      os << "} " << resultType << ";\n";
    }
    os << "\n/* @" << name << ": " << func.getFunctionType() << " */\n";
    os << "void _mlir_ciface_" << name << "(";
    SmallVector<std::string> params;
    if (!resultType.empty())
      params.push_back(resultType + " *results");
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
      params.push_back(descriptorName(cast<RankedTensorType>(type)) + " *arg" +
                       std::to_string(i));
    os << (params.empty() ? "void" : llvm::join(params, ", ")) << ");\n";
  }
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return llvm::Error::success();
}
