//===- attic-onnx.cpp - Optimize and compile models from the command line -===//
//
//   attic-onnx import MODEL.onnx [-o OUT.mlir]
//   attic-onnx compile MODEL.mlir -o OUT.o [--header=OUT.h] [--passes=P]
//                      [--mcpu=CPU] [--vectorize=false]
//
// `import` writes the model as MLIR in the onnx dialect (one op per node).
//
// `compile` lowers every public function of the model through the CPU
// pipeline (after the pass pipeline P, e.g. a form) and writes a
// position-independent object file, with a C entry point per function
// (`_mlir_ciface_<name>`) that the header declares. Link it into a shared
// library or a program with -lm. Every failure is one line on stderr, a
// non-zero exit, and no output file.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Compile.h"
#include "dialects/onnx/translation/Import.h"
#include "tools/init/InitAll.h"

#include "mlir/IR/Diagnostics.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

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

namespace {

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "attic-onnx: error: " << message << "\n";
  std::exit(1);
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

/// Writes `contents` to `path`. The file is removed when the returned
/// object is destroyed before its keep() is called.
llvm::Expected<std::unique_ptr<llvm::ToolOutputFile>>
writeFile(StringRef path, StringRef contents) {
  std::error_code ec;
  auto file =
      std::make_unique<llvm::ToolOutputFile>(path, ec, llvm::sys::fs::OF_None);
  if (!ec) {
    file->os() << contents;
    file->os().close();
    ec = file->os().error();
  }
  if (ec)
    return llvm::createStringError(ec,
                                   path + ": cannot write: " + ec.message());
  return std::move(file);
}

int compile(MLIRContext &context) {
  if (StringRef(inputFile).ends_with(".onnx"))
    fail(inputFile + ": reading ONNX models is not supported yet; give an "
                     ".mlir file");
  auto parsed = cpu::parseModuleFile(&context, inputFile);
  if (!parsed)
    fail(llvm::toString(parsed.takeError()));
  OwningOpRef<ModuleOp> module = std::move(*parsed);

  // Everything is produced in memory first: a failure leaves no file.
  std::string header;
  if (!headerFile.empty()) {
    llvm::raw_string_ostream os(header);
    check(cpu::emitCHeader(*module, includeGuard(headerFile), os));
  }
  CpuPipelineOptions pipelineOptions;
  pipelineOptions.vectorize = vectorize;
  check(cpu::lowerForCpu(*module, passes, pipelineOptions));
  SmallVector<char> object;
  llvm::raw_svector_ostream os(object);
  cpu::CpuTarget target;
  target.cpu = targetCpu;
  check(cpu::emitObjectFile(*module, target, os));

  // A file written before a failure is removed as `files` goes away.
  SmallVector<std::pair<std::string, StringRef>> outputs = {
      {outputFile, StringRef(object.data(), object.size())}};
  if (!headerFile.empty())
    outputs.push_back({headerFile, header});
  SmallVector<std::unique_ptr<llvm::ToolOutputFile>> files;
  for (auto &[path, contents] : outputs) {
    auto file = writeFile(path, contents);
    if (!file) {
      llvm::errs() << "attic-onnx: error: " << llvm::toString(file.takeError())
                   << "\n";
      return 1;
    }
    files.push_back(std::move(*file));
  }
  for (auto &file : files)
    file->keep();
  return 0;
}

/// Prints every error as one line: the importer's messages name the model
/// and the node already; a verifier's gets the node's name.
void printDiagnostic(Diagnostic &diag) {
  std::string message = diag.str();
  llvm::errs() << "attic-onnx: error: ";
  if (auto name = dyn_cast<NameLoc>(diag.getLocation());
      name && !StringRef(message).starts_with(importInput))
    llvm::errs() << importInput << ": node '" << name.getName().getValue()
                 << "': ";
  llvm::errs() << message << "\n";
}

int importModel(MLIRContext &context) {
  auto buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(importInput, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buffer)
    fail(importInput + ": cannot read: " + buffer.getError().message());
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      printDiagnostic(diag);
    return success();
  });
  OwningOpRef<ModuleOp> module =
      onnxir::importModel(&context, (*buffer)->getBuffer(), importInput);
  if (!module)
    return 1;
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  auto file = writeFile(importOutput, text);
  if (!file)
    fail(llvm::toString(file.takeError()));
  (*file)->keep();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllPasses();
  cl::HideUnrelatedOptions({&compileOptions, &importOptions});
  cl::ParseCommandLineOptions(
      argc, argv, "Attic: optimize and compile attention, softmax and loss\n");

  MLIRContext context(registry);
  if (compileCommand)
    return compile(context);
  if (importCommand)
    return importModel(context);
  fail("no command given; see attic-onnx --help (commands: compile, import)");
}
