//===- attic-run.cpp - Run a function of an .mlir file --------------------===//
//
//   attic-run FILE.mlir [--function=NAME] [--input=SPEC]... [--output=F.npy]...
//             [--expect=F]... [--rtol=R] [--atol=A] [--compare=PIPELINE]
//             [--wide-reference] [--approximate] [--data-set=DIR]
//             [--time=N] [--print] [--target=cpu|cuda] [--gpu-chip=SM]
//             [--seed=S]
//
// An input SPEC is a .npy or ONNX TensorProto .pb file, or `random` (floats
// uniform in [-1, 1), integers in [0, 10)), or `random:LO:HI`. Without any
// --input every argument is random. --expect files are compared with
// |got - expected| <= atol + rtol * |expected|; --compare runs the function
// as compiled with and without the pass pipeline first and compares the two
// (--approximate: reports the error of a pipeline that changes the result).
// --target=cuda runs the function (after --compare's pipeline, if any) on an
// NVIDIA GPU and compares it with the CPU reference compilation;
// --target=cuda-emulator runs the same kernels on the CPU (slowly), to check
// them where there is no GPU.
// Every failure is one line on stderr and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Jit.h"
#include "codegen/gpu/Target.h"
#include "tools/attic-run/Widen.h"
#include "tools/data/Compare.h"
#include "tools/data/DataFiles.h"
#include "tools/init/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sys/resource.h>

using namespace mlir;
using namespace mlir::attic;
using cpu::HostArray;
using cpu::JitFunction;
namespace cl = llvm::cl;

static cl::OptionCategory runOptions("attic-run options");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.mlir>"),
                                      cl::Required, cl::cat(runOptions));
static cl::opt<std::string>
    functionName("function",
                 cl::desc("The function to run (default: the "
                          "module's only function, or main)"),
                 cl::cat(runOptions));
static cl::list<std::string>
    inputs("input",
           cl::desc("An argument: .npy, .pb, random, random:LO:HI (short: -i)"),
           cl::cat(runOptions));
static cl::alias inputsShort("i", cl::desc("Alias for --input"),
                             cl::aliasopt(inputs), cl::cat(runOptions));
static cl::list<std::string>
    outputs("output", cl::desc("Write a result to this .npy (short: -o)"),
            cl::cat(runOptions));
static cl::alias outputsShort("o", cl::desc("Alias for --output"),
                              cl::aliasopt(outputs), cl::cat(runOptions));
static cl::list<std::string>
    expects("expect", cl::desc("The expected value of a result (.npy, .pb)"),
            cl::cat(runOptions));
static cl::opt<std::string> dataSet(
    "data-set",
    cl::desc("A directory laid out as ONNX test data sets: input_<i> for "
             "every argument and output_<i> for expected results (.npy or "
             ".pb)"),
    cl::cat(runOptions));
static cl::opt<double> relTolerance("rtol", cl::desc("Relative tolerance"),
                                    cl::init(1e-5), cl::cat(runOptions));
static cl::opt<double> absTolerance("atol", cl::desc("Absolute tolerance"),
                                    cl::init(1e-6), cl::cat(runOptions));
static cl::opt<double> scaledAbsTolerance(
    "atol-of-max",
    cl::desc("Absolute tolerance as a fraction of the expected result's "
             "largest finite magnitude, added to --atol (for sums that "
             "cancel, such as gradients)"),
    cl::init(0.0), cl::cat(runOptions));
static cl::opt<std::string>
    compare("compare",
            cl::desc("Compare the function compiled after this pass "
                     "pipeline with the reference compilation"),
            cl::cat(runOptions));
static cl::opt<unsigned> timeRuns("time",
                                  cl::desc("Time this many runs of the "
                                           "compiled code (after one warm-up "
                                           "run; the copy of the results is "
                                           "not timed) and report memory"),
                                  cl::init(0), cl::cat(runOptions));
static cl::opt<bool> printResults("print",
                                  cl::desc("Print the results as text"),
                                  cl::cat(runOptions));
static cl::opt<bool>
    vectorize("vectorize",
              cl::desc("Tile and vectorize linalg ops (default true; "
                       "--vectorize=false compiles scalar loops)"),
              cl::init(true), cl::cat(runOptions));
static cl::opt<bool> approximateVectorMath(
    "approximate-vector-math",
    cl::desc("Expand f32 vector exponentials into polynomial code (default "
             "true; false calls the C library's expf per lane)"),
    cl::init(true), cl::cat(runOptions));
static cl::opt<bool> allFunctions(
    "all-functions",
    cl::desc("Run every public function on random inputs (with --compare: "
             "compare each with its reference compilation)"),
    cl::cat(runOptions));
static cl::opt<bool> wideReference(
    "wide-reference",
    cl::desc("With --compare: judge the candidate against the reference "
             "computed in f64 (every f32 widened), allowing besides the "
             "tolerances the largest error of the f32 reference itself"),
    cl::cat(runOptions));
static cl::opt<bool> approximate(
    "approximate",
    cl::desc("With --compare: the pipeline changes what is computed (the "
             "softmax-free rewrite, a Nystrom approximation); report the "
             "error it causes (largest absolute and relative, and the "
             "relative l2 error) without judging it by the tolerances. "
             "Non-finite results where the reference is finite still fail"),
    cl::cat(runOptions));
static cl::opt<std::string>
    targetName("target",
               cl::desc("Where the function runs: cpu (default), cuda (an "
                        "NVIDIA GPU) or cuda-emulator (the CUDA target's "
                        "kernels run on the CPU, one thread per GPU thread); "
                        "the last two are compared with the CPU reference"),
               cl::init("cpu"), cl::cat(runOptions));
static cl::opt<std::string>
    gpuChip("gpu-chip",
            cl::desc("With --target=cuda: the GPU architecture (default "
                     "sm_90)"),
            cl::init("sm_90"), cl::cat(runOptions));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of random inputs"),
                              cl::init(0), cl::cat(runOptions));

namespace {

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "attic-run: error: " << message << "\n";
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

/// The function to run: --function, or the only defined function, or main.
std::string chooseFunction(ModuleOp module) {
  if (!functionName.empty())
    return functionName;
  SmallVector<StringRef> defined;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal())
      defined.push_back(func.getSymName());
  if (defined.size() == 1)
    return defined.front().str();
  if (llvm::is_contained(defined, "main"))
    return "main";
  fail(defined.empty()
           ? llvm::Twine(inputFile) + " defines no function"
           : llvm::Twine(inputFile) +
                 " defines several functions; choose one with --function");
}

/// A random argument of `type`; `spec` is "random" or "random:LO:HI".
HostArray randomArray(RankedTensorType type, StringRef spec, unsigned index,
                      std::mt19937_64 &rng) {
  if (!type.hasStaticShape())
    fail("argument " + llvm::Twine(index) + " has the dynamic type " +
         llvm::formatv("{0}", type).str() + "; give it as a file");
  Type elt = type.getElementType();
  bool isFloat = isa<FloatType>(elt);
  double lo = isFloat ? -1.0 : 0.0, hi = isFloat ? 1.0 : 10.0;
  if (elt.isInteger(1))
    hi = 2.0;
  StringRef range = spec.drop_front(strlen("random"));
  if (range.consume_front(":")) {
    auto [loText, hiText] = range.split(':');
    if (loText.getAsDouble(lo) || hiText.getAsDouble(hi) || !(lo < hi))
      fail("bad random range '" + spec + "' (expected random:LO:HI, LO < HI)");
  } else if (!range.empty()) {
    fail("bad input '" + spec + "' (expected a file, random or random:LO:HI)");
  }
  HostArray array(elt, type.getShape());
  for (int64_t i = 0, n = array.numElements(); i < n; ++i) {
    double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    double value = lo + (hi - lo) * u;
    array.setFromDouble(i, isFloat ? value : std::floor(value));
  }
  return array;
}

/// Reads argument `index` from `path`. NumPy has no bfloat16, so an f32
/// file feeds a bf16 argument (rounded to nearest even).
HostArray fileArray(MLIRContext *ctx, RankedTensorType type, StringRef path,
                    unsigned index) {
  HostArray array = check(run::readArray(ctx, path));
  if (type.getElementType().isBF16() && array.elementType.isF32()) {
    HostArray rounded(type.getElementType(), array.shape);
    for (int64_t i = 0, n = array.numElements(); i < n; ++i)
      rounded.setFromDouble(i, array.getAsDouble(i));
    array = std::move(rounded);
  }
  check(cpu::checkArgument(array, type,
                           path + " (argument " + llvm::Twine(index) + ")"));
  return array;
}

/// Under --wide-reference, a copy of `module` with f32 widened to f64.
OwningOpRef<ModuleOp> widenedModule(ModuleOp module) {
  if (compare.empty())
    fail("--wide-reference judges a comparison; it needs --compare");
  OwningOpRef<ModuleOp> wide = module.clone();
  if (failed(run::widenF32ToF64(*wide)))
    fail("cannot compile the reference in f64 (see the diagnostic above)");
  return wide;
}

/// The largest finite |a - exact| over the elements: how far the f32
/// reference itself is from the f64 one.
double largestError(const HostArray &a, const HostArray &exact) {
  double largest = 0;
  for (int64_t i = 0, n = a.numElements(); i < n; ++i) {
    double diff = std::fabs(a.getAsDouble(i) - exact.getAsDouble(i));
    if (std::isfinite(diff))
      largest = std::max(largest, diff);
  }
  return largest;
}

/// `args`, converted to the argument types of `function` (the same arrays
/// unless the reference is widened).
SmallVector<HostArray> argumentsFor(const JitFunction &function,
                                    ArrayRef<HostArray> args) {
  return llvm::map_to_vector(
      llvm::zip_equal(args, function.getArgumentTypes()), [](auto pair) {
        auto [array, type] = pair;
        return run::convertArray(array, type.getElementType());
      });
}

bool compareArrays(const HostArray &got, const HostArray &expected,
                   unsigned index, StringRef against, StringRef prefix = "",
                   double allowance = 0);

/// Compares the candidate's results with the f64 reference's, allowing each
/// the f32 reference's own largest error besides the tolerances.
bool compareWithExact(ArrayRef<HostArray> got, ArrayRef<HostArray> f32,
                      ArrayRef<HostArray> exact, StringRef prefix = "") {
  bool ok = true;
  for (auto [i, result] : llvm::enumerate(got))
    ok &= compareArrays(result, exact[i], i, "f64 reference", prefix,
                        largestError(f32[i], exact[i]));
  return ok;
}

/// Compares `got` with `expected` under the command line's tolerances and
/// prints one line for result `index`.
bool compareArrays(const HostArray &got, const HostArray &expected,
                   unsigned index, StringRef against, StringRef prefix,
                   double allowance) {
  llvm::outs() << prefix << "result " << index << " vs " << against << ": ";
  run::Tolerances tolerances;
  tolerances.rtol = relTolerance;
  tolerances.atol = absTolerance;
  tolerances.atolOfMax = scaledAbsTolerance;
  tolerances.approximate = approximate;
  return run::compareArrays(got, expected, tolerances, allowance, llvm::outs());
}

void print(const HostArray &array, unsigned index) {
  llvm::outs() << "result " << index << ": " << run::shapeString(array) << "\n";
  int64_t n = array.numElements();
  int64_t row =
      array.shape.empty() ? 1 : std::max<int64_t>(1, array.shape.back());
  for (int64_t i = 0; i < n; ++i) {
    llvm::outs() << (i % row ? " " : "  ")
                 << llvm::format("%.6g", array.getAsDouble(i));
    if ((i + 1) % row == 0 || i + 1 == n)
      llvm::outs() << "\n";
  }
}

/// Adds the data set's files to --input and --expect: every input, and the
/// outputs that exist.
void addDataSet(size_t numArgs, size_t numResults) {
  if (!llvm::sys::fs::is_directory(dataSet))
    fail(dataSet + ": not a directory");
  if (!inputs.empty() || !expects.empty())
    fail("--data-set replaces --input and --expect; give one or the other");
  for (size_t i = 0; i < numArgs; ++i) {
    std::optional<std::string> path = run::findDataFile(dataSet, "input", i);
    if (!path)
      fail(dataSet + ": no input_" + llvm::Twine(i) + ".npy or .pb");
    inputs.push_back(*path);
  }
  for (size_t i = 0; i < numResults; ++i) {
    std::optional<std::string> path = run::findDataFile(dataSet, "output", i);
    if (!path)
      break;
    expects.push_back(*path);
  }
}

double peakRssMiB() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0; // ru_maxrss is in KiB on Linux.
}

/// Where the candidate runs when it is not the CPU (--target).
std::optional<cpu::JitTarget> candidateTarget() {
  if (targetName == "cpu")
    return std::nullopt;
  if (targetName == "cuda-emulator")
    return check(cuda::cudaEmulatorTarget());
  if (targetName != "cuda")
    fail("unknown --target '" + targetName +
         "' (expected cpu, cuda or cuda-emulator)");
  CudaPipelineOptions options;
  options.chip = gpuChip;
  return check(cuda::cudaTarget(options));
}

/// The candidate compilation, if any: on another target, or on the CPU
/// after --compare's pipeline.
SmallVector<std::unique_ptr<JitFunction>>
compileCandidates(ModuleOp module, std::optional<StringRef> function,
                  const std::optional<cpu::JitTarget> &target,
                  const CpuPipelineOptions &options) {
  if (!target && compare.empty())
    return {};
  cpu::JitTarget where = target ? *target : cpu::cpuTarget(options);
  if (!function)
    return check(JitFunction::compileAll(module, compare, where));
  SmallVector<std::unique_ptr<JitFunction>> one;
  one.push_back(check(JitFunction::compile(module, *function, compare, where)));
  return one;
}

/// --all-functions: every public function on random inputs, compared with
/// its reference compilation under --compare or --target.
int runAllFunctions(ModuleOp module, const CpuPipelineOptions &options,
                    const std::optional<cpu::JitTarget> &target) {
  if (!functionName.empty() || !inputs.empty() || !expects.empty() ||
      !outputs.empty() || !dataSet.empty() || timeRuns || printResults)
    fail("--all-functions runs every function on random inputs; it takes no "
         "--function, --input, --expect, --output, --data-set, --time or "
         "--print");
  auto references = check(JitFunction::compileAll(module, "", options));
  SmallVector<std::unique_ptr<JitFunction>> exacts;
  SmallVector<std::unique_ptr<JitFunction>> candidates =
      compileCandidates(module, std::nullopt, target, options);
  if (wideReference)
    exacts =
        check(JitFunction::compileAll(*widenedModule(module), "", options));
  std::mt19937_64 rng(seed);
  bool ok = true;
  for (std::unique_ptr<JitFunction> &reference : references) {
    std::string prefix = ("@" + reference->getName() + ": ").str();
    auto candidate = llvm::find_if(candidates, [&](const auto &jit) {
      return jit->getName() == reference->getName();
    });
    SmallVector<HostArray> args;
    for (auto [i, type] : llvm::enumerate(reference->getArgumentTypes()))
      args.push_back(randomArray(type, "random", i, rng));
    SmallVector<HostArray> expected = check(reference->call(args));
    if (candidate == candidates.end()) {
      llvm::outs() << prefix << "ran\n";
      continue;
    }
    SmallVector<HostArray> got = check((*candidate)->call(args));
    if (!exacts.empty()) {
      JitFunction &exact = *exacts[&reference - references.begin()];
      ok &= compareWithExact(
          got, expected, check(exact.call(argumentsFor(exact, args))), prefix);
      continue;
    }
    for (auto [i, result] : llvm::enumerate(got))
      ok &= compareArrays(result, expected[i], i, "reference", prefix);
  }
  return ok ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllPasses();
  cl::HideUnrelatedOptions(runOptions);
  cl::ParseCommandLineOptions(
      argc, argv, "Run a function of an .mlir file on the CPU or a GPU\n");

  if (approximate && compare.empty())
    fail("--approximate says how to judge a comparison; it needs --compare");
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module =
      check(cpu::parseModuleFile(&context, inputFile));

  CpuPipelineOptions pipelineOptions;
  pipelineOptions.vectorize = vectorize;
  pipelineOptions.approximateVectorMath = approximateVectorMath;
  std::optional<cpu::JitTarget> target = candidateTarget();
  if (allFunctions)
    return runAllFunctions(*module, pipelineOptions, target);
  std::string function = chooseFunction(*module);
  std::unique_ptr<JitFunction> reference =
      check(JitFunction::compile(*module, function, "", pipelineOptions));
  std::unique_ptr<JitFunction> candidate, exact;
  if (auto candidates = compileCandidates(*module, StringRef(function), target,
                                          pipelineOptions);
      !candidates.empty())
    candidate = std::move(candidates.front());
  if (wideReference)
    exact = check(JitFunction::compile(*widenedModule(*module), function, "",
                                       pipelineOptions));

  // Arguments.
  ArrayRef<RankedTensorType> argTypes = reference->getArgumentTypes();
  if (!dataSet.empty())
    addDataSet(argTypes.size(), reference->getResultTypes().size());
  if (!inputs.empty() && inputs.size() != argTypes.size())
    fail("function @" + function + " takes " + llvm::Twine(argTypes.size()) +
         " arguments, " + llvm::Twine(inputs.size()) +
         " --input given (use --input=random for a random one)");
  std::mt19937_64 rng(seed);
  SmallVector<HostArray> args;
  for (auto [i, type] : llvm::enumerate(argTypes)) {
    StringRef spec = inputs.empty() ? StringRef("random") : inputs[i];
    args.push_back(spec.starts_with("random")
                       ? randomArray(type, spec, i, rng)
                       : fileArray(&context, type, spec, i));
  }
  if (outputs.size() > reference->getResultTypes().size() ||
      expects.size() > reference->getResultTypes().size())
    fail("function @" + function + " has " +
         llvm::Twine(reference->getResultTypes().size()) +
         " results; too many --output or --expect files");
  // Expected values are read before running, so a bad file fails early.
  SmallVector<HostArray> expected;
  for (const std::string &path : expects)
    expected.push_back(check(run::readArray(&context, path)));

  JitFunction &runner = candidate ? *candidate : *reference;
  // The peak before the first run: compilation, arguments and expected
  // values, so that --time can tell what the runs themselves added.
  double beforeRuns = peakRssMiB();
  SmallVector<HostArray> results = check(runner.call(args));
  bool ok = true;
  if (candidate) {
    SmallVector<HostArray> refResults = check(reference->call(args));
    if (exact)
      ok &= compareWithExact(results, refResults,
                             check(exact->call(argumentsFor(*exact, args))));
    else
      for (auto [i, got] : llvm::enumerate(results))
        ok &= compareArrays(got, refResults[i], i, "reference");
  }
  for (auto [i, want] : llvm::enumerate(expected))
    ok &= compareArrays(results[i], want, i, expects[i]);
  if (printResults)
    for (auto [i, result] : llvm::enumerate(results))
      print(result, i);
  for (auto [i, path] : llvm::enumerate(outputs))
    check(run::writeNpy(results[i], path));

  if (timeRuns) {
    const cpu::JitTarget &where = runner.getTarget();
    if (where.resetPeak)
      where.resetPeak();
    SmallVector<double> ms;
    for (unsigned r = 0; r < timeRuns; ++r) {
      (void)check(runner.call(args));
      ms.push_back(runner.getLastCallMs());
    }
    llvm::sort(ms);
    llvm::outs() << llvm::formatv(
        "time: min {0:f3} ms, median {1:f3} ms over {2} runs; peak RSS "
        "{3:f1} MiB ({4:f1} MiB before the first run)",
        ms.front(), ms[ms.size() / 2], timeRuns, peakRssMiB(), beforeRuns);
    // Device memory: the most the runs held at once, their arguments'
    // copies included.
    if (where.peakBytes)
      llvm::outs() << llvm::formatv("; device peak {0:f1} MiB",
                                    where.peakBytes() / 1048576.0);
    llvm::outs() << "\n";
  }
  return ok ? 0 : 1;
}
