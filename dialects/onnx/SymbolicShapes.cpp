//===- SymbolicShapes.cpp - Shapes of onnx values as symbols --------------===//
//
// Each op's rule gives its results' shapes (and, for small integer
// tensors, values) from its operands'; where no rule applies, or a rule
// cannot tell, the result's type gives the static dimensions and every
// dynamic one becomes a symbol of its own. Values are computed on demand,
// defining ops first, with an explicit stack (graphs are deep).
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/SymbolicShapes.h"
#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::onnxir;

//===----------------------------------------------------------------------===//
// DimExpr
//===----------------------------------------------------------------------===//

DimExpr DimExpr::constant(int64_t c) {
  DimExpr e;
  if (c != 0)
    e.terms[{}] = c;
  return e;
}

DimExpr DimExpr::symbol(unsigned id) {
  DimExpr e;
  e.terms[{id}] = 1;
  return e;
}

std::optional<int64_t> DimExpr::getConstant() const {
  if (terms.empty())
    return 0;
  if (terms.size() == 1 && terms.begin()->first.empty())
    return terms.begin()->second;
  return std::nullopt;
}

DimExpr DimExpr::operator+(const DimExpr &other) const {
  DimExpr e = *this;
  for (const auto &[monomial, c] : other.terms)
    if ((e.terms[monomial] += c) == 0)
      e.terms.erase(monomial);
  return e;
}

DimExpr DimExpr::operator-(const DimExpr &other) const {
  return *this + other * constant(-1);
}

DimExpr DimExpr::operator*(const DimExpr &other) const {
  DimExpr e;
  for (const auto &[m1, c1] : terms)
    for (const auto &[m2, c2] : other.terms) {
      std::vector<unsigned> m = m1;
      m.insert(m.end(), m2.begin(), m2.end());
      llvm::sort(m);
      if ((e.terms[m] += c1 * c2) == 0)
        e.terms.erase(m);
    }
  return e;
}

bool DimExpr::isNonNegative() const {
  return llvm::all_of(terms, [](const auto &term) { return term.second > 0; });
}

std::optional<DimExpr> DimExpr::divide(const DimExpr &other) const {
  if (other.terms.size() != 1)
    return std::nullopt;
  const auto &[divisor, dc] = *other.terms.begin();
  DimExpr e;
  for (const auto &[m, c] : terms) {
    if (c % dc != 0)
      return std::nullopt;
    // Remove the divisor's symbols from the monomial, each once.
    std::vector<unsigned> rest = m;
    for (unsigned s : divisor) {
      auto it = llvm::find(rest, s);
      if (it == rest.end())
        return std::nullopt;
      rest.erase(it);
    }
    e.terms[rest] = c / dc;
  }
  return e;
}

//===----------------------------------------------------------------------===//
// The rules
//===----------------------------------------------------------------------===//

namespace {

/// Values tracked of an integer tensor of at most this many elements.
constexpr int64_t kMaxValues = 16;

/// A dimension of a broadcast of two: equal ones, or the one that is not
/// 1; unknown (none) otherwise.
std::optional<DimExpr> broadcastDim(const DimExpr &a, const DimExpr &b) {
  if (a == b || b.isConstant(1))
    return a;
  if (a.isConstant(1))
    return b;
  // Two different constants cannot broadcast; a symbol against a
  // constant other than 1 must be that constant in a valid model.
  if (b.getConstant() && !a.getConstant())
    return b;
  if (a.getConstant() && !b.getConstant())
    return a;
  return std::nullopt;
}

/// The elements of a constant integer tensor.
std::optional<SymbolicShape> constantValues(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || dense.getElementType().isInteger(1) ||
      dense.getNumElements() > kMaxValues)
    return std::nullopt;
  SymbolicShape values;
  if (isa<IntegerType>(dense.getElementType())) {
    for (const APInt &v : dense.getValues<APInt>())
      values.push_back(DimExpr::constant(v.getSExtValue()));
    return values;
  }
  // Floats that are small integers (a position range's bounds).
  if (!isa<FloatType>(dense.getElementType()))
    return std::nullopt;
  for (const APFloat &v : dense.getValues<APFloat>()) {
    double d = v.convertToDouble();
    if (d != std::trunc(d) || std::abs(d) > (1 << 24))
      return std::nullopt;
    values.push_back(DimExpr::constant(static_cast<int64_t>(d)));
  }
  return values;
}

/// The constant integers of a shape-like operand, through the analysis.
std::optional<SmallVector<int64_t>> constants(SymbolicShapes &shapes,
                                              Value value) {
  std::optional<SymbolicShape> values = shapes.valuesOf(value);
  if (!values)
    return std::nullopt;
  SmallVector<int64_t> ints;
  for (const DimExpr &v : *values) {
    std::optional<int64_t> c = v.getConstant();
    if (!c)
      return std::nullopt;
    ints.push_back(*c);
  }
  return ints;
}

/// An index in [0, size) from one that may count from the end.
std::optional<int64_t> normalized(int64_t i, int64_t size) {
  if (i < 0)
    i += size;
  if (i < 0 || i >= size)
    return std::nullopt;
  return i;
}

} // namespace

unsigned SymbolicShapes::named(StringRef name) {
  auto [it, inserted] = names.try_emplace(name, numSymbols);
  if (inserted)
    ++numSymbols;
  return it->second;
}

SymbolicShape SymbolicShapes::broadcastShapes(const SymbolicShape &a,
                                              const SymbolicShape &b,
                                              Operation *op) {
  SymbolicShape out;
  size_t rank = std::max(a.size(), b.size());
  auto dimOf = [&](const SymbolicShape &x, size_t d) {
    return d + x.size() >= rank ? x[d + x.size() - rank] : DimExpr::constant(1);
  };
  for (size_t d = 0; d < rank; ++d) {
    std::optional<DimExpr> dim = broadcastDim(dimOf(a, d), dimOf(b, d));
    out.push_back(dim ? *dim : fresh(op, d));
  }
  return out;
}

DimExpr SymbolicShapes::fresh(const void *key, unsigned index) {
  auto [it, inserted] = freshSymbols.try_emplace({key, index}, numSymbols);
  if (inserted)
    ++numSymbols;
  return DimExpr::symbol(it->second);
}

SymbolicShapes::Info SymbolicShapes::fromType(Value value) {
  Info info;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return info;
  ArrayAttr dims;
  if (auto arg = dyn_cast<BlockArgument>(value))
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      dims = func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "onnx.dims");
  SymbolicShape shape;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    auto name =
        dims && i < dims.size() ? dyn_cast<StringAttr>(dims[i]) : StringAttr();
    if (!ShapedType::isDynamic(d))
      shape.push_back(DimExpr::constant(d));
    else if (name && !name.empty())
      shape.push_back(DimExpr::symbol(named(name.getValue())));
    else
      shape.push_back(fresh(value.getAsOpaquePointer(), i));
  }
  info.shape = std::move(shape);
  return info;
}

const SymbolicShapes::Info &SymbolicShapes::infoOf(Value value) {
  auto it = infos.find(value);
  if (it != infos.end())
    return it->second;
  // The defining ops not yet computed, deepest first.
  SmallVector<Operation *> stack;
  if (Operation *def = value.getDefiningOp())
    stack.push_back(def);
  while (!stack.empty()) {
    Operation *op = stack.back();
    if (op->getNumResults() > 0 && infos.count(op->getResult(0))) {
      stack.pop_back();
      continue;
    }
    bool ready = true;
    for (Value operand : op->getOperands())
      if (!infos.count(operand))
        if (Operation *def = operand.getDefiningOp()) {
          stack.push_back(def);
          ready = false;
        }
    if (!ready)
      continue;
    stack.pop_back();
    for (Value operand : op->getOperands())
      if (!infos.count(operand))
        infos[operand] = fromType(operand);
    compute(op);
  }
  if (!infos.count(value))
    infos[value] = fromType(value);
  return infos[value];
}

std::optional<SymbolicShape> SymbolicShapes::shapeOf(Value value) {
  return infoOf(value).shape;
}

std::optional<SymbolicShape> SymbolicShapes::valuesOf(Value value) {
  return infoOf(value).values;
}

std::optional<DimExpr> SymbolicShapes::dimOf(Value value, int64_t i) {
  std::optional<SymbolicShape> shape = shapeOf(value);
  if (!shape)
    return std::nullopt;
  std::optional<int64_t> axis = normalized(i, shape->size());
  if (!axis)
    return std::nullopt;
  return (*shape)[*axis];
}

bool SymbolicShapes::sameDim(Value a, int64_t i, Value b, int64_t j) {
  std::optional<DimExpr> x = dimOf(a, i), y = dimOf(b, j);
  return x && y && *x == *y;
}

void SymbolicShapes::compute(Operation *op) {
  // Every result starts from its type; the rules refine it.
  SmallVector<Info, 2> results;
  for (Value result : op->getResults())
    results.push_back(fromType(result));
  auto shape = [&](Value v) { return infos[v].shape; };
  auto values = [&](Value v) { return infos[v].values; };
  auto setShape = [&](unsigned i, SymbolicShape s) {
    // A rule's shape of the wrong rank (a malformed model) is ignored.
    auto type = dyn_cast<RankedTensorType>(op->getResult(i).getType());
    if (!type || type.getRank() == static_cast<int64_t>(s.size()))
      results[i].shape = std::move(s);
  };
  auto unary = [&] {
    if (auto s = shape(op->getOperand(0)))
      setShape(0, *s);
  };
  auto broadcast = [&](ValueRange operands) {
    SymbolicShape out;
    for (Value v : operands) {
      std::optional<SymbolicShape> s = shape(v);
      if (!s)
        return;
      out = broadcastShapes(out, *s, op);
    }
    setShape(0, out);
  };
  // Elementwise integer arithmetic on tracked values.
  auto arithmetic = [&](auto fn) {
    broadcast(op->getOperands());
    auto a = values(op->getOperand(0)), b = values(op->getOperand(1));
    if (!a || !b ||
        (a->size() != b->size() && a->size() != 1 && b->size() != 1))
      return;
    SymbolicShape out;
    for (size_t i = 0, e = std::max(a->size(), b->size()); i < e; ++i) {
      std::optional<DimExpr> v =
          fn((*a)[a->size() == 1 ? 0 : i], (*b)[b->size() == 1 ? 0 : i]);
      if (!v)
        return;
      out.push_back(*v);
    }
    results[0].values = std::move(out);
  };

  if (!isa<ONNXDialect>(op->getDialect())) {
    // Another dialect's op: one that keeps its operand's shape, or what
    // the caller's rule says.
    if (op->getNumOperands() >= 1 &&
        (op->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
         op->hasTrait<OpTrait::SameOperandsAndResultType>())) {
      for (unsigned i = 0; i < op->getNumResults(); ++i)
        if (auto s = shape(op->getOperand(0)))
          setShape(i, *s);
    } else if (foreign) {
      SmallVector<std::optional<SymbolicShape>> operands;
      for (Value operand : op->getOperands())
        operands.push_back(shape(operand));
      for (auto [i, s] : llvm::enumerate(foreign(op, operands)))
        if (s && i < op->getNumResults())
          setShape(i, *s);
    }
  }
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](ConstantOp c) {
        results[0].values = constantValues(c.getValue());
      })
      .Case([&](ShapeOp s) {
        std::optional<SymbolicShape> in = shape(s.getData());
        if (!in)
          return;
        int64_t rank = in->size();
        auto clamp = [&](int64_t i) {
          return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
        };
        int64_t start = clamp(s.getStart());
        int64_t end = clamp(s.getEnd().value_or(rank));
        SymbolicShape out(in->begin() + start,
                          in->begin() + std::max(start, end));
        setShape(0, {DimExpr::constant(out.size())});
        results[0].values = std::move(out);
      })
      .Case([&](GatherOp g) {
        std::optional<SymbolicShape> data = shape(g.getData());
        std::optional<SymbolicShape> indices = shape(g.getIndices());
        if (data && indices) {
          std::optional<int64_t> axis = normalized(g.getAxis(), data->size());
          if (axis) {
            SymbolicShape out(data->begin(), data->begin() + *axis);
            out.append(indices->begin(), indices->end());
            out.append(data->begin() + *axis + 1, data->end());
            setShape(0, out);
          }
        }
        auto v = values(g.getData());
        auto idx = constants(*this, g.getIndices());
        if (v && idx && data && data->size() == 1) {
          SymbolicShape out;
          for (int64_t i : *idx) {
            std::optional<int64_t> n = normalized(i, v->size());
            if (!n)
              return;
            out.push_back((*v)[*n]);
          }
          results[0].values = std::move(out);
        }
      })
      .Case([&](SliceOp s) {
        std::optional<SymbolicShape> data = shape(s.getData());
        auto starts = values(s.getStarts()), ends = values(s.getEnds());
        if (!data || !starts || !ends || starts->size() != ends->size())
          return;
        int64_t rank = data->size();
        SmallVector<int64_t> axes, steps;
        if (isa<NoneType>(s.getAxes().getType())) {
          axes = llvm::to_vector(llvm::seq<int64_t>(0, starts->size()));
        } else if (auto a = constants(*this, s.getAxes())) {
          axes = *a;
        } else {
          return;
        }
        if (isa<NoneType>(s.getSteps().getType()))
          steps.assign(axes.size(), 1);
        else if (auto st = constants(*this, s.getSteps()))
          steps = *st;
        if (steps.size() != axes.size() || axes.size() != starts->size())
          return;
        SymbolicShape out = *data;
        SmallVector<std::pair<int64_t, int64_t>> ranges; // tracked values
        for (auto [a, start, end, step] :
             llvm::zip(axes, *starts, *ends, steps)) {
          std::optional<int64_t> axis = normalized(a, rank);
          if (!axis || step == 0)
            return;
          DimExpr dim = (*data)[*axis];
          std::optional<int64_t> size = dim.getConstant();
          std::optional<int64_t> b = start.getConstant(), e = end.getConstant();
          if (size && b && e) {
            // ONNX's clamping, exactly.
            int64_t lo = *b < 0 ? *b + *size : *b,
                    hi = *e < 0 ? *e + *size : *e;
            if (step > 0) {
              lo = std::clamp<int64_t>(lo, 0, *size);
              hi = std::clamp<int64_t>(hi, 0, *size);
              out[*axis] =
                  DimExpr::constant(hi > lo ? (hi - lo + step - 1) / step : 0);
            } else {
              lo = std::clamp<int64_t>(lo, -1, *size - 1);
              hi = std::clamp<int64_t>(hi, -1, *size - 1);
              out[*axis] =
                  DimExpr::constant(lo > hi ? (lo - hi - step - 1) / -step : 0);
            }
            ranges.push_back({lo, hi});
            continue;
          }
          if (step != 1)
            return;
          // Symbolic bounds, taken as in range (as exporters write them):
          // an end past any size is the end, negative ones count back.
          auto bound = [&](const DimExpr &x) {
            std::optional<int64_t> c = x.getConstant();
            if (c && *c >= std::numeric_limits<int32_t>::max())
              return dim;
            if (c && *c < 0)
              return dim + x;
            return x;
          };
          out[*axis] = bound(end) - bound(start);
        }
        setShape(0, out);
        auto v = values(s.getData());
        if (v && rank == 1 && ranges.size() == 1 && steps[0] == 1) {
          auto [lo, hi] = ranges[0];
          results[0].values =
              SymbolicShape(v->begin() + lo, v->begin() + std::max(lo, hi));
        }
      })
      .Case([&](ConcatOp c) {
        SymbolicShape out;
        std::optional<int64_t> axis;
        SymbolicShape joined;
        bool allValues = true;
        for (Value input : c.getInputs()) {
          std::optional<SymbolicShape> s = shape(input);
          if (!s)
            return;
          if (!axis) {
            axis = normalized(c.getAxis(), s->size());
            if (!axis)
              return;
            out = *s;
          } else if (s->size() != out.size()) {
            return;
          } else {
            out[*axis] = out[*axis] + (*s)[*axis];
          }
          if (auto v = values(input))
            joined.append(v->begin(), v->end());
          else
            allValues = false;
        }
        if (!axis)
          return;
        setShape(0, out);
        if (allValues && out.size() == 1)
          results[0].values = std::move(joined);
      })
      .Case([&](UnsqueezeOp u) {
        std::optional<SymbolicShape> data = shape(u.getData());
        auto axes = constants(*this, u.getAxes());
        if (data && axes) {
          int64_t rank = data->size() + axes->size();
          SmallVector<bool> inserted(rank, false);
          for (int64_t a : *axes)
            if (auto n = normalized(a, rank))
              inserted[*n] = true;
          SymbolicShape out;
          size_t next = 0;
          for (int64_t d = 0; d < rank; ++d)
            out.push_back(inserted[d] || next >= data->size()
                              ? DimExpr::constant(1)
                              : (*data)[next++]);
          setShape(0, out);
        }
        results[0].values = values(u.getData());
      })
      .Case([&](SqueezeOp s) {
        std::optional<SymbolicShape> data = shape(s.getData());
        if (data) {
          SmallVector<bool> removed(data->size(), false);
          if (isa<NoneType>(s.getAxes().getType())) {
            for (auto [d, dim] : llvm::enumerate(*data))
              removed[d] = dim.isConstant(1);
          } else if (auto axes = constants(*this, s.getAxes())) {
            for (int64_t a : *axes)
              if (auto n = normalized(a, data->size()))
                removed[*n] = true;
          }
          SymbolicShape out;
          for (auto [d, dim] : llvm::enumerate(*data))
            if (!removed[d])
              out.push_back(dim);
          setShape(0, out);
        }
        results[0].values = values(s.getData());
      })
      .Case([&](CastOp c) {
        unary();
        // Integer values stay what they are as integers and as floats (a
        // sequence length cast for a float position range).
        Type to = getElementTypeOrSelf(c.getType());
        if ((isa<IntegerType>(to) && !to.isInteger(1)) || isa<FloatType>(to))
          results[0].values = values(c.getInput());
      })
      .Case([&](IdentityOp) {
        unary();
        results[0].values = values(op->getOperand(0));
      })
      .Case([&](AddOp) {
        arithmetic([](const DimExpr &a, const DimExpr &b) {
          return std::optional<DimExpr>(a + b);
        });
      })
      .Case([&](SubOp) {
        arithmetic([](const DimExpr &a, const DimExpr &b) {
          return std::optional<DimExpr>(a - b);
        });
      })
      .Case([&](MulOp) {
        arithmetic([](const DimExpr &a, const DimExpr &b) {
          return std::optional<DimExpr>(a * b);
        });
      })
      .Case([&](DivOp) {
        bool isInt = isa<IntegerType>(getElementTypeOrSelf(op->getResult(0)));
        arithmetic(
            [&](const DimExpr &a, const DimExpr &b) -> std::optional<DimExpr> {
              if (!isInt)
                return std::nullopt;
              std::optional<int64_t> x = a.getConstant(), y = b.getConstant();
              if (x && y && *y != 0)
                return DimExpr::constant(*x / *y); // ONNX truncates
              return a.divide(b);
            });
      })
      .Case([&](ReshapeOp r) {
        std::optional<SymbolicShape> data = shape(r.getData());
        auto target = values(r.getShape());
        if (!data || !target)
          return;
        SymbolicShape out;
        std::optional<size_t> inferred;
        for (auto [i, t] : llvm::enumerate(*target)) {
          if (t.isConstant(0) && r.getAllowzero() == 0) {
            if (i >= data->size())
              return;
            out.push_back((*data)[i]);
          } else if (t.isConstant(-1)) {
            inferred = i;
            out.push_back(DimExpr::constant(1));
          } else {
            out.push_back(t);
          }
        }
        if (inferred) {
          DimExpr total = DimExpr::constant(1), known = DimExpr::constant(1);
          for (const DimExpr &d : *data)
            total = total * d;
          for (const DimExpr &d : out)
            known = known * d;
          std::optional<DimExpr> rest = total.divide(known);
          out[*inferred] = rest ? *rest : fresh(op, *inferred);
        }
        setShape(0, out);
        results[0].values = values(r.getData());
      })
      .Case([&](ExpandOp e) {
        std::optional<SymbolicShape> in = shape(e.getInput());
        auto target = values(e.getShape());
        if (!in || !target)
          return;
        setShape(0, broadcastShapes(*in, *target, op));
        // A scalar (or one value) expanded to a 1-D tensor: repeated.
        auto one = values(e.getInput());
        if (one && one->size() == 1 && target->size() == 1)
          if (std::optional<int64_t> n = (*target)[0].getConstant();
              n && *n >= 1 && *n <= kMaxValues)
            results[0].values = SymbolicShape(*n, (*one)[0]);
      })
      .Case([&](ConstantOfShapeOp c) {
        if (auto target = values(c.getInput()))
          setShape(0, *target);
      })
      .Case([&](TransposeOp t) {
        std::optional<SymbolicShape> in = shape(t.getData());
        if (!in)
          return;
        SmallVector<int64_t> perm;
        if (auto p = t.getPerm())
          for (APInt i : p->getAsValueRange<IntegerAttr>())
            perm.push_back(i.getSExtValue());
        else
          perm =
              llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, in->size())));
        SymbolicShape out;
        for (int64_t p : perm) {
          if (p < 0 || p >= static_cast<int64_t>(in->size()))
            return;
          out.push_back((*in)[p]);
        }
        setShape(0, out);
      })
      .Case([&](MatMulOp m) {
        std::optional<SymbolicShape> a = shape(m.getA()), b = shape(m.getB());
        if (!a || !b || a->empty() || b->empty())
          return;
        SymbolicShape x = *a, y = *b;
        bool vecA = x.size() == 1, vecB = y.size() == 1;
        if (vecA)
          x.insert(x.begin(), DimExpr::constant(1));
        if (vecB)
          y.push_back(DimExpr::constant(1));
        SymbolicShape batchA(x.begin(), x.end() - 2),
            batchB(y.begin(), y.end() - 2);
        SymbolicShape out = broadcastShapes(batchA, batchB, op);
        if (!vecA)
          out.push_back(x[x.size() - 2]);
        if (!vecB)
          out.push_back(y.back());
        setShape(0, out);
      })
      .Case([&](GemmOp g) {
        std::optional<SymbolicShape> a = shape(g.getA()), b = shape(g.getB());
        if (!a || !b || a->size() != 2 || b->size() != 2)
          return;
        setShape(0, {(*a)[g.getTransA() ? 1 : 0], (*b)[g.getTransB() ? 0 : 1]});
      })
      .Case([&](SplitOp s) {
        std::optional<SymbolicShape> in = shape(s.getInput());
        if (!in)
          return;
        std::optional<int64_t> axis = normalized(s.getAxis(), in->size());
        if (!axis)
          return;
        SmallVector<DimExpr> sizes;
        if (auto split = values(s.getSplit())) {
          sizes.assign(split->begin(), split->end());
        } else if (auto total = (*in)[*axis].getConstant()) {
          int64_t n = op->getNumResults();
          int64_t part = (*total + n - 1) / n;
          for (int64_t i = 0; i < n; ++i)
            sizes.push_back(
                DimExpr::constant(std::min(part, *total - i * part)));
        } else if (op->getNumResults() >= 1) {
          // Equal parts of a symbolic size, when it divides.
          for (unsigned i = 0; i < op->getNumResults(); ++i) {
            std::optional<DimExpr> part =
                (*in)[*axis].divide(DimExpr::constant(op->getNumResults()));
            if (!part)
              return;
            sizes.push_back(*part);
          }
        }
        if (sizes.size() != op->getNumResults())
          return;
        for (auto [i, size] : llvm::enumerate(sizes)) {
          SymbolicShape out = *in;
          out[*axis] = size;
          setShape(i, out);
        }
        // The values of a split 1-D tensor: consecutive runs.
        auto in1 = values(s.getInput());
        if (!in1 || in->size() != 1)
          return;
        size_t at = 0;
        for (auto [i, size] : llvm::enumerate(sizes)) {
          std::optional<int64_t> n = size.getConstant();
          if (!n || *n < 0 || at + *n > in1->size())
            return;
          results[i].values =
              SymbolicShape(in1->begin() + at, in1->begin() + at + *n);
          at += *n;
        }
      })
      .Case<SoftmaxOp, LogSoftmaxOp, ExpOp, LogOp, NegOp, SqrtOp, NotOp,
            SoftplusOp, ReluOp, TanhOp, ErfOp, SigmoidOp, ReciprocalOp, EluOp,
            TriluOp>([&](Operation *) { unary(); })
      .Case([&](EqualOp) {
        // Equal when the polynomials are, unequal when their difference
        // is a nonzero constant or one side is negative and the other a
        // size (exporters compare a shape with -1).
        arithmetic(
            [](const DimExpr &a, const DimExpr &b) -> std::optional<DimExpr> {
              if (a == b)
                return DimExpr::constant(1);
              std::optional<int64_t> difference = (a - b).getConstant();
              std::optional<int64_t> x = a.getConstant(), y = b.getConstant();
              if (difference || (x && *x < 0 && b.isNonNegative()) ||
                  (y && *y < 0 && a.isNonNegative()))
                return DimExpr::constant(0);
              return std::nullopt;
            });
      })
      .Case([&](WhereOp w) {
        broadcast(op->getOperands());
        auto c = values(w.getCondition()), x = values(w.getX()),
             y = values(w.getY());
        if (!c || !x || !y)
          return;
        size_t n = std::max({c->size(), x->size(), y->size()});
        auto at = [&](const SymbolicShape &s, size_t i) -> const DimExpr * {
          return s.size() == 1 ? &s[0] : i < s.size() ? &s[i] : nullptr;
        };
        SymbolicShape out;
        for (size_t i = 0; i < n; ++i) {
          const DimExpr *ci = at(*c, i), *xi = at(*x, i), *yi = at(*y, i);
          if (!ci || !xi || !yi || !ci->getConstant())
            return;
          out.push_back(*ci->getConstant() ? *xi : *yi);
        }
        results[0].values = std::move(out);
      })
      .Case<LessOp, OrOp, AndOp, PowOp>(
          [&](Operation *) { broadcast(op->getOperands()); })
      .Case([&](LayerNormalizationOp) { unary(); })
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceLogSumExpOp>(
          [&](auto reduce) {
            std::optional<SymbolicShape> in = shape(reduce.getData());
            if (!in)
              return;
            // The axes: given, or all (none when empty axes are a no-op).
            SmallVector<int64_t> axes;
            if (!isa<NoneType>(reduce.getAxes().getType())) {
              std::optional<SmallVector<int64_t>> given =
                  constants(*this, reduce.getAxes());
              if (!given)
                return;
              axes = *given;
            }
            if (axes.empty() && reduce.getNoopWithEmptyAxes())
              return setShape(0, *in);
            SmallVector<bool> reduced(in->size(), axes.empty());
            for (int64_t a : axes) {
              std::optional<int64_t> axis = normalized(a, in->size());
              if (!axis)
                return;
              reduced[*axis] = true;
            }
            SymbolicShape out;
            for (auto [d, r] : llvm::zip(*in, reduced))
              if (!r)
                out.push_back(d);
              else if (reduce.getKeepdims())
                out.push_back(DimExpr::constant(1));
            setShape(0, out);
          })
      .Case([&](NodeOp node) {
        StringRef type = node.getOpType();
        if (!node.getDomain().empty() && node.getDomain() != "ai.onnx")
          return;
        if (llvm::is_contained({"Greater", "GreaterOrEqual", "LessOrEqual",
                                "Max", "Min", "Mod", "BitwiseAnd", "Xor"},
                               type))
          return broadcast(op->getOperands());
        if (llvm::is_contained({"Cos", "Sin", "Abs", "Clip", "Gelu", "Floor",
                                "Ceil", "Round", "Sign", "IsNaN", "IsInf",
                                "Dropout", "LeakyRelu", "HardSigmoid", "Selu",
                                "Softsign", "Mish", "HardSwish"},
                               type) &&
            op->getNumOperands() >= 1) {
          if (auto s = shape(op->getOperand(0)))
            setShape(0, *s);
          return;
        }
        if (type == "Einsum") {
          // Each output letter's size from an operand it labels (no
          // ellipsis).
          auto equation = node.getNodeAttrs().getAs<StringAttr>("equation");
          if (!equation || equation.getValue().contains("..."))
            return;
          std::string text;
          for (char ch : equation.getValue())
            if (ch != ' ')
              text += ch;
          auto [lhs, rhs] = StringRef(text).split("->");
          SmallVector<StringRef> terms;
          lhs.split(terms, ',');
          if (!StringRef(text).contains("->") ||
              terms.size() != op->getNumOperands())
            return;
          std::map<char, DimExpr> sizes;
          for (auto [term, operand] : llvm::zip(terms, op->getOperands())) {
            std::optional<SymbolicShape> in = shape(operand);
            if (!in || in->size() != term.size())
              return;
            for (auto [ch, d] : llvm::zip(term, *in))
              sizes.emplace(ch, d);
          }
          SymbolicShape out;
          for (char ch : rhs) {
            auto it = sizes.find(ch);
            if (it == sizes.end())
              return;
            out.push_back(it->second);
          }
          return setShape(0, out);
        }
        if (type == "Range" && op->getNumOperands() == 3) {
          auto start = values(op->getOperand(0)),
               limit = values(op->getOperand(1)),
               delta = values(op->getOperand(2));
          if (!start || !limit || !delta || start->size() != 1 ||
              limit->size() != 1 || delta->size() != 1)
            return;
          std::optional<int64_t> b = (*start)[0].getConstant(),
                                 e = (*limit)[0].getConstant(),
                                 d = (*delta)[0].getConstant();
          if (b && e && d && *d != 0) {
            int64_t n =
                std::max<int64_t>(0, (*e - *b + *d - (*d > 0 ? 1 : -1)) / *d);
            setShape(0, {DimExpr::constant(n)});
            if (n <= kMaxValues) {
              SymbolicShape out;
              for (int64_t i = 0; i < n; ++i)
                out.push_back(DimExpr::constant(*b + i * *d));
              results[0].values = std::move(out);
            }
          } else if (d == 1) {
            setShape(0, {(*limit)[0] - (*start)[0]});
          }
        }
      });
  for (auto [result, info] : llvm::zip(op->getResults(), results))
    infos[result] = std::move(info);
}
