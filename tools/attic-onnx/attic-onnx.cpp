//===- attic-onnx.cpp - Optimize and compile models from the command line -===//
//
//   attic-onnx import MODEL.onnx [-o OUT.mlir]
//   attic-onnx compile MODEL.onnx|MODEL.mlir -o OUT.o [--header=OUT.h]
//                      [--shape=INPUT=DxDx...]... [--passes=P]
//                      [--mcpu=CPU] [--vectorize=false]
//                      [--target=cpu|cuda] [--gpu-chip=SM]
//   attic-onnx run MODEL.onnx|TEST_DIR [-i FILE]... [--expect=FILE]...
//                  [--passes=P] [--rtol=R] [--atol=A] [--time=N]
//   attic-onnx optimize MODEL.onnx -o OUT.onnx [--report=R.json]
//                  [--attention-op=onnx|com.microsoft] [--shape=...]...
//
// `import` writes the model as MLIR in the onnx dialect (one op per node).
//
// `compile` lowers every public function of the model through the CPU
// pipeline (an ONNX model first raised and its other operators lowered;
// then the pass pipeline P, e.g. a form) and writes a position-independent
// object file, with a C entry point per function (`_mlir_ciface_<name>`)
// that the header declares. Link it into a shared library or a program
// with -lm. An ONNX model's dynamic input dimensions (batch, sequence)
// are fixed with --shape, one per input: the model is specialized to
// them before shape inference. With --target=cuda the functions run their work
// on an NVIDIA GPU (kernels embedded for --gpu-chip); link with
// -lAtticCudaRuntime, whose managed memory the arguments must live in and the
// results do.
//
// `run` compiles an ONNX model the same way and runs it on inputs (.pb or
// .npy), comparing the results with expected outputs, the model
// specialized to the inputs' shapes (compiled once per distinct set of
// shapes); given a directory
// laid out as ONNX's backend tests (model.onnx and test_data_set_*/ with
// input_<i> and output_<i>), it runs every data set. It prints a line per
// output with its largest errors and a verdict, and exits 1 when one
// fails.
//
// Every failure is one line on stderr, a non-zero exit, and no output
// file.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Compile.h"
#include "codegen/cpu/Jit.h"
#include "codegen/gpu/Target.h"
#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/translation/Export.h"
#include "dialects/onnx/translation/Import.h"
#include "passes/raise/Transforms.h"
#include "tools/data/Compare.h"
#include "tools/data/DataFiles.h"
#include "tools/init/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
using namespace mlir::attic;
namespace cl = llvm::cl;

static cl::OptionCategory compileOptions("attic-onnx compile options");

static cl::SubCommand
    compileCommand("compile",
                   "Compile the functions of a model to a native object file");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::sub(compileCommand),
                                      cl::cat(compileOptions));
static cl::opt<std::string> outputFile("o", cl::desc("The object file"),
                                       cl::value_desc("file.o"), cl::Required,
                                       cl::sub(compileCommand),
                                       cl::cat(compileOptions));
static cl::opt<std::string>
    headerFile("header", cl::desc("Also write a C header of the entry points"),
               cl::value_desc("file.h"), cl::sub(compileCommand),
               cl::cat(compileOptions));
static cl::list<std::string> inputShapes(
    "shape",
    cl::desc("The shape of an ONNX model's input, fixing its dynamic "
             "dimensions (e.g. --shape=input_ids=2x128); once per input"),
    cl::value_desc("input=DxDx..."), cl::sub(compileCommand),
    cl::cat(compileOptions));
static cl::opt<std::string>
    passes("passes", cl::desc("A pass pipeline to run before the CPU pipeline"),
           cl::sub(compileCommand), cl::cat(compileOptions));
static cl::opt<std::string>
    targetCpu("mcpu",
              cl::desc("The CPU to compile for: host (this machine's, the "
                       "default) or an LLVM CPU name such as x86-64-v3"),
              cl::init("host"), cl::sub(compileCommand),
              cl::cat(compileOptions));
static cl::opt<bool> vectorize("vectorize",
                               cl::desc("Tile and vectorize linalg ops"),
                               cl::init(true), cl::sub(compileCommand),
                               cl::cat(compileOptions));
static cl::opt<std::string>
    compileTarget("target",
                  cl::desc("Where the functions run: cpu (default) or cuda "
                           "(an NVIDIA GPU driven by the host)"),
                  cl::init("cpu"), cl::sub(compileCommand),
                  cl::cat(compileOptions));
static cl::opt<std::string>
    gpuChip("gpu-chip",
            cl::desc("With --target=cuda: the GPU architecture (default "
                     "sm_90)"),
            cl::init("sm_90"), cl::sub(compileCommand),
            cl::cat(compileOptions));

static cl::OptionCategory importOptions("attic-onnx import options");

static cl::SubCommand
    importCommand("import", "Write an ONNX model as MLIR in the onnx dialect");

static cl::opt<std::string> importInput(cl::Positional,
                                        cl::desc("<model.onnx>"), cl::Required,
                                        cl::sub(importCommand),
                                        cl::cat(importOptions));
static cl::opt<std::string> importOutput("o", cl::desc("The MLIR file"),
                                         cl::value_desc("file.mlir"),
                                         cl::init("-"), cl::sub(importCommand),
                                         cl::cat(importOptions));

static cl::OptionCategory runOptions("attic-onnx run options");

static cl::SubCommand
    runCommand("run", "Run a model and compare its results with expected "
                      "outputs (or every data set of an ONNX test directory)");

static cl::opt<std::string> runInput(cl::Positional,
                                     cl::desc("<model.onnx or test directory>"),
                                     cl::Required, cl::sub(runCommand),
                                     cl::cat(runOptions));
static cl::list<std::string>
    runInputs("input",
              cl::desc("An input of the model (.pb or .npy), in order"),
              cl::sub(runCommand), cl::cat(runOptions));
static cl::alias runInputsShort("i", cl::desc("Alias for --input"),
                                cl::aliasopt(runInputs), cl::cat(runOptions));
static cl::list<std::string>
    runExpects("expect",
               cl::desc("The expected value of an output (.pb or .npy), in "
                        "order"),
               cl::sub(runCommand), cl::cat(runOptions));
static cl::opt<std::string>
    runPasses("passes",
              cl::desc("A pass pipeline to run after raising (e.g. a form)"),
              cl::sub(runCommand), cl::cat(runOptions));
static cl::opt<double> runRtol("rtol", cl::desc("Relative tolerance"),
                               cl::init(1e-5), cl::sub(runCommand),
                               cl::cat(runOptions));
static cl::opt<double> runAtol("atol", cl::desc("Absolute tolerance"),
                               cl::init(1e-6), cl::sub(runCommand),
                               cl::cat(runOptions));
static cl::opt<unsigned>
    runTime("time",
            cl::desc("Time this many runs of the compiled code per data set "
                     "(after the checked run) and print the median"),
            cl::init(0), cl::sub(runCommand), cl::cat(runOptions));

static cl::OptionCategory optimizeOptions("attic-onnx optimize options");

static cl::SubCommand
    optimizeCommand("optimize",
                    "Find attention, softmax and losses in a model, fuse them, "
                    "report what was found and write the optimized model");

static cl::opt<std::string>
    optimizeInput(cl::Positional, cl::desc("<model.onnx>"), cl::Required,
                  cl::sub(optimizeCommand), cl::cat(optimizeOptions));
static cl::opt<std::string> optimizeOutput("o", cl::desc("The optimized model"),
                                           cl::value_desc("file.onnx"),
                                           cl::Required,
                                           cl::sub(optimizeCommand),
                                           cl::cat(optimizeOptions));
static cl::opt<std::string> attentionOp(
    "attention-op",
    cl::desc("The operator attention is written as: onnx (ONNX's Attention, "
             "the default) or com.microsoft (ONNX Runtime's "
             "MultiHeadAttention, for runtimes older than Attention)"),
    cl::init("onnx"), cl::sub(optimizeCommand), cl::cat(optimizeOptions));
static cl::list<std::string> optimizeShapes(
    "shape",
    cl::desc("Fix an input's dynamic dimensions (e.g. "
             "--shape=input_ids=8x1024): the written model and the report's "
             "memory estimate take these sizes; once per input"),
    cl::value_desc("input=DxDx..."), cl::sub(optimizeCommand),
    cl::cat(optimizeOptions));
static cl::opt<std::string>
    reportFile("report", cl::desc("Also write the report as JSON"),
               cl::value_desc("file.json"), cl::sub(optimizeCommand),
               cl::cat(optimizeOptions));

static cl::OptionCategory inspectOptions("attic-onnx inspect options");

static cl::SubCommand
    inspectCommand("inspect",
                   "Print a model's inputs, outputs, operators and the "
                   "attention, softmax and loss patterns found in it");

static cl::opt<std::string> inspectInput(cl::Positional,
                                         cl::desc("<model.onnx>"), cl::Required,
                                         cl::sub(inspectCommand),
                                         cl::cat(inspectOptions));

static cl::OptionCategory exportOptions("attic-onnx export options");

static cl::SubCommand
    exportCommand("export", "Write an .mlir model of onnx (and attic) ops as "
                            "an ONNX model");

static cl::opt<std::string> exportInput(cl::Positional,
                                        cl::desc("<model.mlir>"), cl::Required,
                                        cl::sub(exportCommand),
                                        cl::cat(exportOptions));
static cl::opt<std::string> exportOutput("o", cl::desc("The ONNX model"),
                                         cl::value_desc("file.onnx"),
                                         cl::Required, cl::sub(exportCommand),
                                         cl::cat(exportOptions));

namespace {

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "attic-onnx: error: " << message << "\n";
  std::exit(1);
}

template <typename T> T check(llvm::Expected<T> value) {
  if (!value)
    fail(llvm::toString(value.takeError()));
  return std::move(*value);
}

void check(llvm::Error e) {
  if (e)
    fail(llvm::toString(std::move(e)));
}

/// The include guard of a header: its file name in upper case, every other
/// character an underscore (kernels.h -> KERNELS_H).
std::string includeGuard(StringRef path) {
  std::string guard;
  for (char c : llvm::sys::path::filename(path))
    guard += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  if (guard.empty() || llvm::isDigit(guard.front()))
    guard = "ATTIC_" + guard;
  return guard;
}

/// A file written whole to a temporary beside its path and renamed over
/// the path by keep(), so that no reader sees part of it and a failure
/// leaves nothing; removed if dropped before keep(). `-` is stdout,
/// written by keep().
class OutputFile {
public:
  static llvm::Expected<std::unique_ptr<OutputFile>> write(StringRef path,
                                                           StringRef contents) {
    auto file = std::unique_ptr<OutputFile>(new OutputFile(path));
    if (path == "-") {
      file->contents = contents.str();
      return std::move(file);
    }
    auto temp = llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%");
    if (!temp)
      return llvm::createStringError(
          path + ": cannot write: " + llvm::toString(temp.takeError()));
    file->temp.emplace(std::move(*temp));
    llvm::raw_fd_ostream os(file->temp->FD, /*shouldClose=*/false);
    os << contents;
    os.flush();
    if (os.has_error()) {
      std::string message = os.error().message();
      os.clear_error();
      return llvm::createStringError(path + ": cannot write: " + message);
    }
    return std::move(file);
  }

  llvm::Error keep() {
    if (!temp) {
      llvm::outs() << contents;
      return llvm::Error::success();
    }
    llvm::Error e = temp->keep(path);
    temp.reset();
    if (e)
      return llvm::createStringError(
          path + ": cannot write: " + llvm::toString(std::move(e)));
    return llvm::Error::success();
  }

  ~OutputFile() {
    if (temp)
      llvm::consumeError(temp->discard());
  }

private:
  explicit OutputFile(StringRef path) : path(path.str()) {}
  std::string path, contents;
  std::optional<llvm::sys::fs::TempFile> temp;
};

/// Writes and keeps each (path, contents), all or none: a failure removes
/// what it wrote and exits.
void writeFiles(ArrayRef<std::pair<std::string, std::string>> outputs) {
  SmallVector<std::unique_ptr<OutputFile>> files;
  for (auto &[path, contents] : outputs) {
    auto file = OutputFile::write(path, contents);
    if (!file) {
      files.clear();
      fail(llvm::toString(file.takeError()));
    }
    files.push_back(std::move(*file));
  }
  for (auto &file : files)
    if (llvm::Error e = file->keep()) {
      files.clear();
      fail(llvm::toString(std::move(e)));
    }
}

/// Prints an import error as one line: the importer's messages name the
/// model and the node already; a verifier's gets the node's name.
void printImportDiagnostic(Diagnostic &diag, StringRef path) {
  std::string message = diag.str();
  llvm::errs() << "attic-onnx: error: ";
  if (auto name = dyn_cast<NameLoc>(diag.getLocation());
      name && !StringRef(message).starts_with(path))
    llvm::errs() << path << ": node '" << name.getName().getValue() << "': ";
  llvm::errs() << message << "\n";
}

/// Imports the ONNX model at `path`, its inputs given `shapes`; an error is
/// printed, and the program exits.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, StringRef path,
                                     ArrayRef<onnxir::InputShape> shapes = {}) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(
      path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    fail(path + ": cannot read: " + buffer.getError().message());
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      printImportDiagnostic(diag, path);
    return success();
  });
  OwningOpRef<ModuleOp> module =
      onnxir::importModel(&context, (*buffer)->getBuffer(), path, shapes);
  if (!module)
    std::exit(1);
  return module;
}

/// `--shape` values (name=2x128) as input shapes; a malformed one exits.
SmallVector<onnxir::InputShape> parseInputShapes(ArrayRef<std::string> specs) {
  SmallVector<onnxir::InputShape> shapes;
  for (StringRef spec : specs) {
    auto [name, dims] = spec.rsplit('=');
    auto bad = [&](const llvm::Twine &why) {
      fail("--shape=" + spec + ": " + why +
           " (expected input=DxDx..., e.g. input_ids=2x128)");
    };
    if (name.empty() || spec.find('=') == StringRef::npos)
      bad("no input name");
    onnxir::InputShape shape{name.str(), {}};
    SmallVector<StringRef> parts;
    if (!dims.empty())
      dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 0)
        bad("'" + part + "' is not a dimension");
      shape.shape.push_back(d);
    }
    for (const onnxir::InputShape &other : shapes)
      if (other.name == shape.name)
        bad("input '" + shape.name + "' is given twice");
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

/// The dynamic dimensions of the first function's arguments, as "input
/// 'x' dimension 1 ('seq')", or "" when all are static.
std::string dynamicInputDims(ModuleOp module) {
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty())
    return "";
  func::FuncOp func = *funcs.begin();
  std::string text;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
    auto dims = func.getArgAttrOfType<ArrayAttr>(i, "onnx.dims");
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || !shaped.hasRank())
      continue;
    for (auto [d, size] : llvm::enumerate(shaped.getShape())) {
      if (!ShapedType::isDynamic(size))
        continue;
      std::string param;
      if (dims && d < dims.size())
        if (auto s = dyn_cast<StringAttr>(dims[d]); s && !s.empty())
          param = " ('" + s.str() + "')";
      text += (text.empty() ? "" : ", ") + std::string("input '") +
              (name ? name.str() : "#" + std::to_string(i)) + "' dimension " +
              std::to_string(d) + param;
    }
  }
  return text;
}

/// Exits on `e`; when the model had dynamic input dimensions (`dynamic`,
/// as dynamicInputDims gives them), the message names them and how to
/// fix them, since they are a likely cause.
void checkCompiles(llvm::Error e, StringRef dynamic) {
  if (!e)
    return;
  std::string message = llvm::toString(std::move(e));
  if (!dynamic.empty())
    message += "; the model has dynamic dimensions (" + dynamic.str() +
               "): give their sizes with --shape=INPUT=DxDx...";
  fail(message);
}

/// Imports the ONNX model at `path`, its inputs given `shapes`, and brings
/// it to what a user's passes and the CPU pipeline take: raised to attic
/// ops, the other operators lowered. An error is printed, and the program
/// exits.
OwningOpRef<ModuleOp>
importForCompilation(MLIRContext &context, StringRef path,
                     ArrayRef<onnxir::InputShape> shapes = {}) {
  OwningOpRef<ModuleOp> module = importOnnxFile(context, path, shapes);
  checkCompiles(cpu::runPassPipeline(*module,
                                     "attic-raise-onnx,attic-lower-onnx",
                                     "compiling " + path.str()),
                dynamicInputDims(*module));
  return module;
}

int compile(MLIRContext &context) {
  OwningOpRef<ModuleOp> module;
  if (StringRef(inputFile).ends_with(".onnx")) {
    module =
        importForCompilation(context, inputFile, parseInputShapes(inputShapes));
  } else {
    if (!inputShapes.empty())
      fail("--shape applies to an ONNX model; " + inputFile +
           " is MLIR, whose types are its shapes");
    auto parsed = cpu::parseModuleFile(&context, inputFile);
    if (!parsed)
      fail(llvm::toString(parsed.takeError()));
    module = std::move(*parsed);
  }
  std::string dynamic = dynamicInputDims(*module);

  // Everything is produced in memory first: a failure leaves no file.
  std::string header;
  if (!headerFile.empty()) {
    llvm::raw_string_ostream os(header);
    check(cpu::emitCHeader(*module, includeGuard(headerFile), os));
  }
  if (compileTarget == "cuda") {
    CudaPipelineOptions gpuOptions;
    gpuOptions.chip = gpuChip;
    checkCompiles(cuda::lowerForCuda(*module, passes, gpuOptions), dynamic);
  } else if (compileTarget == "cpu") {
    CpuPipelineOptions pipelineOptions;
    pipelineOptions.vectorize = vectorize;
    checkCompiles(cpu::lowerForCpu(*module, passes, pipelineOptions), dynamic);
  } else {
    fail("unknown --target '" + compileTarget + "' (expected cpu or cuda)");
  }
  SmallVector<char> object;
  llvm::raw_svector_ostream os(object);
  cpu::CpuTarget target;
  target.cpu = targetCpu;
  check(cpu::emitObjectFile(*module, target, os));

  SmallVector<std::pair<std::string, std::string>> outputs = {
      {outputFile, std::string(object.data(), object.size())}};
  if (!headerFile.empty())
    outputs.push_back({headerFile, header});
  writeFiles(outputs);
  return 0;
}

int importModel(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = importOnnxFile(context, importInput);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  writeFiles({{importOutput, text}});
  return 0;
}

/// Lowers the attic ops of `module` back to ONNX operators and serializes
/// it as an ONNX model for `path`; an error is printed, and the program
/// exits.
std::string toOnnx(ModuleOp module, StringRef path,
                   StringRef attention = "onnx") {
  check(cpu::runPassPipeline(
      module, ("attic-to-onnx{attention-op=" + attention + "}").str(),
      "writing " + path.str()));
  std::string bytes;
  cpu::FirstErrorRecorder recorder(module.getContext());
  if (failed(onnxir::exportModel(module, bytes)))
    fail(path + ": " + recorder.get());
  return bytes;
}

int exportModel(MLIRContext &context) {
  auto parsed = cpu::parseModuleFile(&context, exportInput);
  if (!parsed)
    fail(llvm::toString(parsed.takeError()));
  writeFiles({{exportOutput, toOnnx(**parsed, exportOutput)}});
  return 0;
}

/// The buffer a fused op's efficient form never builds, and its bytes:
/// attention's [B, Hq, Sq, Skv] scores (flash attention), a classifier
/// loss's [N, V] logits (cut cross-entropy); 0 bytes for other ops or
/// dynamic shapes.
std::pair<std::string, int64_t> avoidedBuffer(Operation *op) {
  auto describe = [](StringRef what, ArrayRef<int64_t> shape,
                     Type elt) -> std::pair<std::string, int64_t> {
    std::string text = (what + " [").str();
    int64_t count = 1;
    for (auto [i, d] : llvm::enumerate(shape)) {
      text += (i ? "x" : "") +
              (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
      count = ShapedType::isDynamic(d) || count < 0 ? -1 : count * d;
    }
    text += "]";
    int64_t bytes =
        count < 0 ? 0 : count * ((elt.getIntOrFloatBitWidth() + 7) / 8);
    return {text, bytes};
  };
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    RankedTensorType q = attention.getQuery().getType(),
                     k = attention.getKey().getType();
    return describe(
        "scores",
        {q.getDimSize(0), q.getDimSize(1), q.getDimSize(2), k.getDimSize(2)},
        q.getElementType());
  }
  if (auto loss = dyn_cast<LinearCrossEntropyOp>(op)) {
    RankedTensorType h = loss.getHidden().getType(),
                     c = loss.getClassifier().getType();
    return describe("logits", {h.getDimSize(0), c.getDimSize(0)},
                    h.getElementType());
  }
  return {"", 0};
}

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Escapes `s` for a JSON string.
std::string json(StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += llvm::formatv("\\u{0:x4}", static_cast<unsigned>(c)).str();
      continue;
    }
    out += c;
  }
  return out + "\"";
}

/// An attic op raising made: where, and the buffer its efficient form
/// does without.
struct Found {
  std::string op, node, attrs, type, avoided;
  int64_t bytes;
};

/// The attic ops of `module`, in order.
SmallVector<Found> findFused(ModuleOp module) {
  SmallVector<Found> found;
  module->walk([&](Operation *op) {
    if (!isa<AtticDialect>(op->getDialect()))
      return;
    std::string attrs;
    llvm::raw_string_ostream os(attrs);
    llvm::interleaveComma(
        llvm::make_filter_range(op->getAttrDictionary(),
                                [](NamedAttribute a) {
                                  return a.getName() != "operandSegmentSizes";
                                }),
        os, [&](NamedAttribute a) {
          os << a.getName().getValue() << " = " << a.getValue();
        });
    auto [avoided, bytes] = avoidedBuffer(op);
    found.push_back({op->getName().getStringRef().str(),
                     onnxir::nodeNameOf(op->getLoc()), attrs,
                     typeString(op->getResult(0).getType()), avoided, bytes});
  });
  return found;
}

/// A subgraph raising recognized but left alone, and why.
struct NearMiss {
  std::string node, op, reason;
};

/// Raises `module` (then canonicalizes it) and returns the near misses
/// whose op is still there, once each; an error exits.
SmallVector<NearMiss> raiseModule(ModuleOp module, StringRef what) {
  SmallVector<std::pair<Location, std::string>> heard;
  module.getContext()->loadDialect<AtticDialect, tensor::TensorDialect>();
  {
    cpu::FirstErrorRecorder recorder(module.getContext());
    if (failed(raiseONNX(module, [&](Location loc, StringRef reason) {
          heard.push_back({loc, reason.str()});
        })))
      fail(what + ": raising did not converge" +
           (recorder.get().empty() ? "" : ": " + recorder.get()));
  }
  check(cpu::runPassPipeline(module, "canonicalize", what));
  // The op now at each location: a near miss's is still there (what was
  // left alone can only become something else under another pattern).
  llvm::DenseMap<Location, Operation *> opAt;
  module.walk([&](Operation *op) {
    if (!isa<ModuleOp, func::FuncOp>(op))
      opAt.try_emplace(op->getLoc(), op);
  });
  SmallVector<NearMiss> misses;
  llvm::StringSet<> seen;
  for (auto &[loc, reason] : heard) {
    Operation *op = opAt.lookup(loc);
    if (!op)
      continue;
    NearMiss miss{onnxir::nodeNameOf(loc), op->getName().getStringRef().str(),
                  reason};
    if (seen.insert(miss.node + "\n" + miss.op + "\n" + reason).second)
      misses.push_back(miss);
  }
  return misses;
}

/// Prints the near misses.
void printNearMisses(ArrayRef<NearMiss> misses) {
  for (const NearMiss &m : misses)
    llvm::outs() << "  left alone: " << m.op << " at node '" << m.node
                 << "': " << m.reason << "\n";
}

/// Prints each found op and the buffers their forms save; returns the
/// bytes saved.
int64_t printFound(ArrayRef<Found> found) {
  int64_t saved = 0;
  for (const Found &f : found) {
    llvm::outs() << "  " << f.op << " at node '" << f.node << "' -> " << f.type
                 << (f.attrs.empty() ? "" : " {" + f.attrs + "}") << "\n";
    if (!f.avoided.empty())
      llvm::outs() << "    its form never builds the " << f.avoided << ": "
                   << (f.bytes ? std::to_string(f.bytes) + " bytes"
                               : std::string("dynamic size"))
                   << "\n";
    saved += f.bytes;
  }
  llvm::outs() << "memory saved (estimated from shapes): " << saved
               << " bytes\n";
  return saved;
}

/// `attic-onnx inspect`: the model's interface, its operators, and what
/// raising finds in it.
int inspectModel(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = importOnnxFile(context, inspectInput);
  auto func = *module->getOps<func::FuncOp>().begin();
  llvm::outs() << inspectInput << ": graph '" << func.getSymName() << "'";
  if (auto imports =
          (*module)->getAttrOfType<DictionaryAttr>("onnx.opset_import"))
    for (NamedAttribute entry : imports)
      llvm::outs() << ", " << entry.getName().getValue() << " opset "
                   << cast<IntegerAttr>(entry.getValue()).getInt();
  llvm::outs() << "\n";
  auto describe = [&](StringRef what, TypeRange types, auto nameOf) {
    llvm::outs() << what << ":\n";
    for (auto [i, type] : llvm::enumerate(types))
      llvm::outs() << "  " << nameOf(i) << ": " << type << "\n";
  };
  describe("inputs", func.getArgumentTypes(), [&](unsigned i) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
    return name ? name.getValue().str() : "input_" + std::to_string(i);
  });
  describe("outputs", func.getResultTypes(), [&](unsigned i) {
    auto name = func.getResultAttrOfType<StringAttr>(i, "onnx.name");
    return name ? name.getValue().str() : "output_" + std::to_string(i);
  });
  // Operators by count, then name.
  llvm::StringMap<int> counts;
  int nodes = 0;
  func.walk([&](Operation *op) {
    if (isa<func::FuncOp, func::ReturnOp, onnxir::NoneOp, onnxir::ConstantOp>(
            op))
      return;
    std::string type = op->getName().stripDialect().str();
    if (auto node = dyn_cast<onnxir::NodeOp>(op))
      type = (node.getDomain().empty() ? "" : node.getDomain().str() + ".") +
             node.getOpType().str();
    ++counts[type];
    ++nodes;
  });
  SmallVector<std::pair<std::string, int>> sorted;
  for (auto &entry : counts)
    sorted.push_back({entry.getKey().str(), entry.getValue()});
  llvm::sort(sorted, [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  llvm::outs() << "operators (" << nodes << " nodes):";
  for (auto &[type, count] : sorted)
    llvm::outs() << " " << type << " " << count;
  llvm::outs() << "\n";
  SmallVector<NearMiss> misses = raiseModule(*module, inspectInput);
  SmallVector<Found> found = findFused(*module);
  llvm::outs() << "patterns (" << found.size() << "):\n";
  printFound(found);
  printNearMisses(misses);
  return 0;
}

int optimizeModel(MLIRContext &context) {
  OwningOpRef<ModuleOp> module =
      importOnnxFile(context, optimizeInput, parseInputShapes(optimizeShapes));
  SmallVector<NearMiss> misses = raiseModule(*module, optimizeInput);
  SmallVector<Found> found = findFused(*module);
  llvm::outs() << optimizeInput << ": " << found.size()
               << (found.size() == 1 ? " operation" : " operations")
               << " found and fused\n";
  int64_t saved = printFound(found);
  printNearMisses(misses);

  std::string report;
  if (!reportFile.empty()) {
    llvm::raw_string_ostream os(report);
    os << "{\n  \"model\": " << json(optimizeInput) << ",\n  \"found\": [";
    for (auto [i, f] : llvm::enumerate(found))
      os << (i ? "," : "") << "\n    {\"op\": " << json(f.op)
         << ", \"node\": " << json(f.node) << ", \"type\": " << json(f.type)
         << ", \"attributes\": " << json(f.attrs)
         << ", \"avoided_buffer\": " << json(f.avoided)
         << ", \"avoided_bytes\": " << f.bytes << "}";
    os << (found.empty() ? "" : "\n  ") << "],\n  \"left_alone\": [";
    for (auto [i, m] : llvm::enumerate(misses))
      os << (i ? "," : "") << "\n    {\"op\": " << json(m.op)
         << ", \"node\": " << json(m.node) << ", \"reason\": " << json(m.reason)
         << "}";
    os << (misses.empty() ? "" : "\n  ") << "],\n"
       << "  \"saved_bytes\": " << saved << "\n}\n";
  }
  SmallVector<std::pair<std::string, std::string>> outputs = {
      {optimizeOutput, toOnnx(*module, optimizeOutput, attentionOp)}};
  if (!reportFile.empty())
    outputs.push_back({reportFile, report});
  writeFiles(outputs);
  return 0;
}

/// One run of the model: its inputs and the expected outputs (fewer than
/// the outputs, or none, to compare only some).
struct DataSet {
  std::string name;
  SmallVector<std::string> inputs, expected;
};

/// The data sets of an ONNX test directory, in order of their names.
SmallVector<DataSet> testDataSets(StringRef dir, size_t numInputs,
                                  size_t numOutputs) {
  SmallVector<std::string> dirs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_"))
      dirs.push_back(it->path());
  if (ec)
    fail(dir + ": cannot read: " + ec.message());
  if (dirs.empty())
    fail(dir + ": no test_data_set_* directory");
  llvm::sort(dirs);
  SmallVector<DataSet> sets;
  for (const std::string &d : dirs) {
    DataSet set{llvm::sys::path::filename(d).str(), {}, {}};
    for (size_t i = 0; i < numInputs; ++i) {
      std::optional<std::string> path = run::findDataFile(d, "input", i);
      if (!path)
        fail(d + ": no input_" + llvm::Twine(i) + ".pb or .npy");
      set.inputs.push_back(*path);
    }
    for (size_t i = 0; i < numOutputs; ++i) {
      std::optional<std::string> path = run::findDataFile(d, "output", i);
      if (!path)
        fail(d + ": no output_" + llvm::Twine(i) + ".pb or .npy");
      set.expected.push_back(*path);
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

int runModel(MLIRContext &context) {
  bool isDir = llvm::sys::fs::is_directory(runInput);
  std::string modelPath =
      isDir ? runInput + "/model.onnx" : runInput.getValue();
  if (isDir && (!runInputs.empty() || !runExpects.empty()))
    fail("a test directory brings its own data sets; give --input and "
         "--expect only with a model file");
  // The model as declared: its inputs, their names and (dynamic) types.
  OwningOpRef<ModuleOp> declared = importOnnxFile(context, modelPath);
  func::FuncOp signature = *declared->getOps<func::FuncOp>().begin();
  size_t numInputs = signature.getNumArguments();
  size_t numOutputs = signature.getNumResults();

  // The model specialized to each distinct set of input shapes, compiled;
  // a model without dynamic dimensions is compiled before any data is
  // read.
  std::map<SmallVector<SmallVector<int64_t>>, std::unique_ptr<cpu::JitFunction>>
      compiled;
  auto compileFor =
      [&](ArrayRef<SmallVector<int64_t>> inputShapes) -> cpu::JitFunction & {
    std::unique_ptr<cpu::JitFunction> &function =
        compiled[SmallVector<SmallVector<int64_t>>(inputShapes)];
    if (!function) {
      SmallVector<onnxir::InputShape> shapes;
      for (auto [i, shape] : llvm::enumerate(inputShapes)) {
        auto name = signature.getArgAttrOfType<StringAttr>(i, "onnx.name");
        shapes.push_back({name ? name.str() : "", shape});
      }
      OwningOpRef<ModuleOp> module =
          importForCompilation(context, modelPath, shapes);
      StringRef name = (*module->getOps<func::FuncOp>().begin()).getSymName();
      function = check(cpu::JitFunction::compile(*module, name, runPasses));
    }
    return *function;
  };
  if (dynamicInputDims(*declared).empty() &&
      llvm::all_of(signature.getArgumentTypes(),
                   [](Type t) { return isa<RankedTensorType>(t); })) {
    SmallVector<SmallVector<int64_t>> shapes;
    for (Type t : signature.getArgumentTypes())
      shapes.push_back(llvm::to_vector(cast<RankedTensorType>(t).getShape()));
    compileFor(shapes);
  }

  SmallVector<DataSet> sets;
  if (isDir) {
    sets = testDataSets(runInput, numInputs, numOutputs);
  } else {
    if (runInputs.size() != numInputs)
      fail(modelPath + " takes " + llvm::Twine(numInputs) + " inputs, " +
           llvm::Twine(runInputs.size()) + " --input given");
    if (runExpects.size() > numOutputs)
      fail(modelPath + " has " + llvm::Twine(numOutputs) + " outputs, " +
           llvm::Twine(runExpects.size()) + " --expect given");
    sets.push_back(
        {"", SmallVector<std::string>(runInputs.begin(), runInputs.end()),
         SmallVector<std::string>(runExpects.begin(), runExpects.end())});
  }

  run::Tolerances tolerances;
  tolerances.rtol = runRtol;
  tolerances.atol = runAtol;
  size_t failed = 0;
  for (const DataSet &set : sets) {
    // Everything is read before the run, so a bad file fails early.
    SmallVector<cpu::HostArray> args, expected;
    for (auto [i, path] : llvm::enumerate(set.inputs)) {
      cpu::HostArray array = check(run::readArray(&context, path));
      if (auto type =
              dyn_cast<RankedTensorType>(signature.getArgumentTypes()[i]))
        check(cpu::checkArgument(array, type,
                                 path + " (input " + llvm::Twine(i) + ")"));
      args.push_back(std::move(array));
    }
    for (const std::string &path : set.expected)
      expected.push_back(check(run::readArray(&context, path)));
    SmallVector<SmallVector<int64_t>> shapes;
    for (const cpu::HostArray &array : args)
      shapes.push_back(array.shape);
    cpu::JitFunction &function = compileFor(shapes);
    SmallVector<cpu::HostArray> results = check(function.call(args));
    std::string prefix = set.name.empty() ? "" : set.name + ": ";
    bool ok = true;
    for (auto [i, want] : llvm::enumerate(expected)) {
      llvm::outs() << prefix << "output " << i << ": ";
      ok &= run::compareArrays(results[i], want, tolerances, 0, llvm::outs());
    }
    failed += !ok;
    if (runTime) {
      SmallVector<double> ms;
      for (unsigned r = 0; r < runTime; ++r) {
        (void)check(function.call(args));
        ms.push_back(function.getLastCallMs());
      }
      llvm::sort(ms);
      llvm::outs() << prefix
                   << llvm::formatv("time: median {0:f3} ms, min {1:f3} ms "
                                    "over {2} runs\n",
                                    ms[ms.size() / 2], ms.front(), runTime);
    }
  }
  if (isDir)
    llvm::outs() << (failed ? "FAIL" : "PASS") << ": " << runInput << " ("
                 << sets.size() - failed << " of " << sets.size()
                 << " data sets)\n";
  return failed ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllPasses();
  cl::HideUnrelatedOptions({&compileOptions, &importOptions, &runOptions,
                            &optimizeOptions, &exportOptions, &inspectOptions});
  cl::ParseCommandLineOptions(
      argc, argv, "Attic: optimize and compile attention, softmax and loss\n");

  MLIRContext context(registry);
  if (compileCommand)
    return compile(context);
  if (importCommand)
    return importModel(context);
  if (runCommand)
    return runModel(context);
  if (optimizeCommand)
    return optimizeModel(context);
  if (exportCommand)
    return exportModel(context);
  if (inspectCommand)
    return inspectModel(context);
  fail("no command given; see attic-onnx --help (commands: compile, export, "
       "import, inspect, optimize, run)");
}
