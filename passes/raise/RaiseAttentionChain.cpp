//===- RaiseAttentionChain.cpp - Attention written out in ONNX ------------===//
//
// Attention as exporters write it, from the last MatMul back:
//
//   MatMul(Softmax(masked, -1), V)        (float Casts around the softmax
//                                          looked through)
//   masked = scores, or scores with masks applied in any order and number:
//            Add(s, float mask)                  (either operand order)
//            Where(bool mask, s, fill)           (true attends)
//            Where(bool mask, fill, s)           (true masks: Not(mask))
//            with fill -inf, the dtype's lowest value or <= -1e4;
//            And of masks (Or of negated ones, Not and leading Unsqueezes
//            looked through) is each of them; a band of the scores is
//            `causal` (j <= i + Skv - Sq) or a `left_window` /
//            `right_window` instead: a constant or Trilu-built triangle
//            (bool, or 0 / fill floats, scaled or not), its slices (a
//            registered tril buffer), or comparisons of position indices
//            (Unsqueeze(Range) plus constants, as arange(s)[:, None])
//   capped = Mul(Tanh(Div(s, c)), c)             (softcap c), or s
//   scores = Div(T, c) | Mul(T, c) | T           (scale 1/c, c, or 1)
//   T      = MatMul(Q (* a), Kt (* b))           (scale a b: sqrt(scale)
//                                                 on each side, or a
//                                                 division of Q or Kt)
//   Kt     = Transpose(K) swapping the last two dimensions, or any [.., D,
//            Skv] tensor (then K is its transpose)
//
// Q, K, V of rank 4 ([B, H, S, D]) are the attic op's operands; rank 3
// ([B * H, S, D], as PyTorch's nn.MultiheadAttention computes) and 2 get
// unit dimensions in front. Rank-3 scores may go through a [B, H, S, S']
// view for their masks and softmax (BLOOM): masks there must not vary over
// B and H. K and V repeated for grouped-query heads,
// Reshape(Expand(Unsqueeze(K0, [2]), [B, Hkv, g, S, D]), [B, Hkv g, S, D]),
// are read as K0 and V0. A chain that does not fit (a mask that does not
// broadcast to the scores, a softmax along another axis, mismatched head
// counts) is left alone.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Match.h"

#include "dialects/attic/AtticOps.h"
#include "dialects/onnx/ONNXOps.h"
#include "dialects/onnx/SymbolicShapes.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attic;
using namespace mlir::attic::raise;
using mlir::onnxir::DimExpr;
using mlir::onnxir::SymbolicShape;
using mlir::onnxir::SymbolicShapes;

namespace {

/// Whether `v` is a constant fill that masks a score out: -inf, the
/// lowest finite value of its type, or at most -1e4.
bool isMaskFill(Value v) {
  std::optional<double> f = constantFloat(stripCasts(v));
  return f && isMaskingFill(*f);
}

/// One mask of the chain.
struct Mask {
  Value value;
  /// An i1 mask that is true where a score is masked out (Where with the
  /// fill in its true branch).
  bool negated = false;
  /// Whether it applies to the [B, H, S, S'] view of [B * H, S, S'] scores
  /// (BLOOM's), rather than to the scores the product gives.
  bool onView = false;
};

/// The pieces of an attention chain.
struct Chain {
  Value q, k, v;
  /// Whether K still needs transposing: the chain had Kt only.
  bool transposeK = false;
  double scale = 1.0;
  std::optional<double> softcap;
  bool causal = false;
  std::optional<int64_t> leftWindow, rightWindow;
  SmallVector<Mask> boolMasks, floatMasks;
  /// Whether the masks seen so far apply to a [B, H, S, S'] view of the
  /// scores (the softmax over it, the product's scores [B * H, S, S']).
  bool onView = false;
};

/// A mask whose last two dimensions are set (true, or nonzero) exactly on
/// one side of a diagonal: where j <= i + k (lower) or j >= i + k (upper).
struct Band {
  DimExpr k;
  bool upper = false;
  /// For float masks, the value of the set entries.
  std::optional<double> value;

  /// The entries not set: the band on the other side of the diagonal.
  Band complement() const {
    return {k + DimExpr::constant(upper ? -1 : 1), !upper, std::nullopt};
  }
};

/// The value of every entry of `v` when it is uniform: a splat constant, or
/// ConstantOfShape of a value (of any shape).
std::optional<double> uniformValue(Value v) {
  v = stripCasts(v);
  Attribute attr;
  if (auto c = v.getDefiningOp<onnxir::ConstantOfShapeOp>())
    attr = c.getValue() ? *c.getValue() : Attribute();
  else if (auto c = v.getDefiningOp<onnxir::ConstantOp>())
    attr = c.getValue();
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (auto c = v.getDefiningOp<onnxir::ConstantOfShapeOp>(); c && !dense)
    return 0.0; // ONNX's default value
  if (!dense || !dense.isSplat())
    return std::nullopt;
  if (dense.getElementType().isInteger(1))
    return dense.getSplatValue<bool>() ? 1.0 : 0.0;
  if (isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().convertToDouble();
  return std::nullopt;
}

/// A position index along the rows (i) or the columns (j) of a mask, plus
/// an offset: Range(start, n, 1) made a column [n, 1] or a row [1, n] by
/// Unsqueeze, with constants added or subtracted.
struct PositionIndex {
  bool column;
  DimExpr offset;
};

std::optional<PositionIndex>
positionIndexOf(Value value, SymbolicShapes &shapes, int depth = 0) {
  value = stripCasts(value);
  Operation *def = value.getDefiningOp();
  if (!def || depth > 8)
    return std::nullopt;
  if (isa<onnxir::AddOp, onnxir::SubOp>(def)) {
    for (int side : {0, 1}) {
      std::optional<SymbolicShape> c =
          shapes.valuesOf(def->getOperand(1 - side));
      if (!c || c->size() != 1 || (isa<onnxir::SubOp>(def) && side == 1))
        continue;
      std::optional<PositionIndex> index =
          positionIndexOf(def->getOperand(side), shapes, depth + 1);
      if (!index)
        continue;
      index->offset = isa<onnxir::SubOp>(def) ? index->offset - (*c)[0]
                                              : index->offset + (*c)[0];
      return index;
    }
    return std::nullopt;
  }
  auto unsqueeze = dyn_cast<onnxir::UnsqueezeOp>(def);
  auto node =
      unsqueeze
          ? stripCasts(unsqueeze.getData()).getDefiningOp<onnxir::NodeOp>()
          : onnxir::NodeOp();
  std::optional<SmallVector<int64_t>> axes =
      unsqueeze ? constantInts(unsqueeze.getAxes()) : std::nullopt;
  if (!node || node.getOpType() != "Range" || node.getInputs().size() != 3 ||
      !axes || axes->size() != 1)
    return std::nullopt;
  std::optional<SymbolicShape> start = shapes.valuesOf(node.getInputs()[0]),
                               delta = shapes.valuesOf(node.getInputs()[2]);
  if (!start || !delta || start->size() != 1 || delta->size() != 1 ||
      !(*delta)[0].isConstant(1))
    return std::nullopt;
  // [n] -> [1, n] (axis 0: a row of column indices j) or [n, 1] (axis 1 or
  // -1: a column of row indices i).
  int64_t axis = (*axes)[0] < 0 ? (*axes)[0] + 2 : (*axes)[0];
  if (axis != 0 && axis != 1)
    return std::nullopt;
  return PositionIndex{axis == 0, (*start)[0]};
}

/// The band of a comparison of a column index j + a with a row index
/// i + b (either side first): j <= i + k (lower) or j >= i + k (upper).
std::optional<Band> comparisonBand(Operation *op, SymbolicShapes &shapes) {
  StringRef kind;
  if (isa<onnxir::LessOp>(op))
    kind = "Less";
  else if (auto node = dyn_cast<onnxir::NodeOp>(op);
           node && node.getInputs().size() == 2 &&
           llvm::is_contained({"LessOrEqual", "Greater", "GreaterOrEqual"},
                              node.getOpType()))
    kind = node.getOpType();
  if (kind.empty())
    return std::nullopt;
  std::optional<PositionIndex> x = positionIndexOf(op->getOperand(0), shapes),
                               y = positionIndexOf(op->getOperand(1), shapes);
  if (!x || !y || x->column == y->column)
    return std::nullopt;
  // As j OP i + k: swapping the sides turns < into >.
  bool flip = !x->column;
  const PositionIndex &j = flip ? *y : *x, &i = flip ? *x : *y;
  DimExpr k = i.offset - j.offset;
  bool less = kind.starts_with("Less") != flip;
  bool strict = kind == "Less" || kind == "Greater";
  if (less)
    return Band{strict ? k - DimExpr::constant(1) : k, false, std::nullopt};
  return Band{strict ? k + DimExpr::constant(1) : k, true, std::nullopt};
}

/// The band `value` is, seen through the ways exporters build causal
/// masks: comparisons of position indices, a constant lower or upper triangle,
/// Trilu of a uniform tensor, slices of either (a registered tril buffer cut to
/// the sequence), Not and Equal(x, 0) (the complement), casts and leading unit
/// dimensions.
std::optional<Band> bandOf(Value value, SymbolicShapes &shapes, int depth = 0) {
  value = stripCasts(value);
  if (depth > 8)
    return std::nullopt;
  auto rankOf = [](Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t ? t.getRank() : -1;
  };
  Operation *def = value.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (auto cast = dyn_cast<onnxir::CastOp>(def))
    return bandOf(cast.getInput(), shapes, depth + 1);
  if (auto trilu = dyn_cast<onnxir::TriluOp>(def)) {
    std::optional<double> fill = uniformValue(trilu.getInput());
    std::optional<SmallVector<int64_t>> k =
        isa<NoneType>(trilu.getK().getType()) ? SmallVector<int64_t>{0}
                                              : constantInts(trilu.getK());
    if (!fill || *fill == 0 || !k || k->size() != 1)
      return std::nullopt;
    return Band{DimExpr::constant((*k)[0]), trilu.getUpper() != 0, *fill};
  }
  if (auto mul = dyn_cast<onnxir::MulOp>(def)) {
    // A float band scaled by a positive constant (baddbmm's beta).
    for (auto [x, c] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())}) {
      std::optional<double> factor = constantFloat(c);
      if (!factor || *factor <= 0)
        continue;
      std::optional<Band> band = bandOf(x, shapes, depth + 1);
      if (band && band->value)
        band->value = *band->value * *factor;
      if (band)
        return band;
    }
    return std::nullopt;
  }
  if (auto n = dyn_cast<onnxir::NotOp>(def)) {
    std::optional<Band> band = bandOf(n.getX(), shapes, depth + 1);
    return band ? std::optional<Band>(band->complement()) : std::nullopt;
  }
  if (auto eq = dyn_cast<onnxir::EqualOp>(def)) {
    for (auto [x, zero] :
         {std::pair(eq.getA(), eq.getB()), std::pair(eq.getB(), eq.getA())})
      if (uniformValue(zero) == 0.0)
        if (std::optional<Band> band = bandOf(x, shapes, depth + 1))
          return band->complement();
    return std::nullopt;
  }
  if (std::optional<Band> band = comparisonBand(def, shapes))
    return band;
  if (auto unsqueeze = dyn_cast<onnxir::UnsqueezeOp>(def)) {
    // Leading unit dimensions only: the last two stay the last two.
    std::optional<SmallVector<int64_t>> axes =
        constantInts(unsqueeze.getAxes());
    int64_t rank = rankOf(unsqueeze.getExpanded());
    if (!axes || rank < 2 || llvm::any_of(*axes, [&](int64_t a) {
          return (a < 0 ? a + rank : a) >= rank - 2;
        }))
      return std::nullopt;
    return bandOf(unsqueeze.getData(), shapes, depth + 1);
  }
  if (auto slice = dyn_cast<onnxir::SliceOp>(def)) {
    std::optional<Band> band = bandOf(slice.getData(), shapes, depth + 1);
    int64_t rank = rankOf(slice.getData());
    std::optional<SymbolicShape> starts = shapes.valuesOf(slice.getStarts());
    if (!band || rank < 2 || !starts)
      return std::nullopt;
    SmallVector<int64_t> axes;
    if (isa<NoneType>(slice.getAxes().getType()))
      axes = llvm::to_vector(llvm::seq<int64_t>(0, starts->size()));
    else if (auto a = constantInts(slice.getAxes()))
      axes = *a;
    if (axes.size() != starts->size())
      return std::nullopt;
    if (!isa<NoneType>(slice.getSteps().getType())) {
      std::optional<SmallVector<int64_t>> steps =
          constantInts(slice.getSteps());
      if (!steps || llvm::any_of(*steps, [](int64_t s) { return s != 1; }))
        return std::nullopt;
    }
    // Entry (i, j) of the slice is entry (i + r0, j + c0) of the data.
    DimExpr r0, c0;
    for (auto [a, start] : llvm::zip(axes, *starts)) {
      int64_t axis = a < 0 ? a + rank : a;
      std::optional<int64_t> c = start.getConstant();
      if (c && *c < 0)
        return std::nullopt;
      if (axis == rank - 2)
        r0 = start;
      else if (axis == rank - 1)
        c0 = start;
    }
    band->k = band->k + r0 - c0;
    return band;
  }
  auto constant = dyn_cast<onnxir::ConstantOp>(def);
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                        : DenseElementsAttr();
  auto type =
      dense ? dyn_cast<RankedTensorType>(dense.getType()) : RankedTensorType();
  if (!type || type.getRank() < 2 || !type.hasStaticShape() ||
      type.getNumElements() > (1 << 24))
    return std::nullopt;
  int64_t rows = type.getDimSize(type.getRank() - 2);
  int64_t cols = type.getDimSize(type.getRank() - 1);
  bool isBool = type.getElementType().isInteger(1);
  if (!isBool && !isa<FloatType>(type.getElementType()))
    return std::nullopt;
  SmallVector<double> v;
  if (isBool)
    for (bool b : dense.getValues<bool>())
      v.push_back(b);
  else
    for (const APFloat &f : dense.getValues<APFloat>())
      v.push_back(f.convertToDouble());
  if (v.empty() || rows == 0 || cols == 0)
    return std::nullopt;
  // The diagonal from the first row: set entries at its start (lower) or
  // its end (upper).
  int64_t n0 = 0;
  while (n0 < cols && v[n0] != 0)
    ++n0;
  Band band;
  if (n0 > 0) {
    band = {DimExpr::constant(n0 - 1), false, v[0]};
  } else {
    int64_t first = 0;
    while (first < cols && v[first] == 0)
      ++first;
    band = {DimExpr::constant(first), true,
            first < cols ? std::optional<double>(v[first]) : std::nullopt};
  }
  int64_t k = *band.k.getConstant();
  for (int64_t idx = 0, e = v.size(); idx < e; ++idx) {
    int64_t i = (idx / cols) % rows, j = idx % cols;
    bool set = band.upper ? j >= i + k : j <= i + k;
    if (set != (v[idx] != 0) || (set && v[idx] != *band.value))
      return std::nullopt;
  }
  if (isBool)
    band.value.reset();
  return band;
}

/// Where the mask `m` (an i1 mask attending where true, or where false
/// when negated; or an added float mask) of `scores` [.., Sq, Skv] lets a
/// query see its keys, when that is one band of the scores' own rows and
/// columns (not a broadcast).
std::optional<Band> attendedBand(Value mask, bool negated, bool additive,
                                 Value scores, SymbolicShapes &shapes) {
  std::optional<Band> band = bandOf(mask, shapes);
  if (!band || !shapes.sameDim(mask, -2, scores, -2) ||
      !shapes.sameDim(mask, -1, scores, -1))
    return std::nullopt;
  if (additive) {
    // Added: the set entries mask (a fill), the others are 0.
    if (!band->value || !isMaskingFill(*band->value))
      return std::nullopt;
    return band->complement();
  }
  return negated ? band->complement() : *band;
}

/// Whether `unsqueeze` inserts its unit dimensions where NumPy
/// broadcasting would put them anyway: before every dimension of the data
/// that is not a static 1.
bool insertsLeadingUnitDims(onnxir::UnsqueezeOp unsqueeze) {
  std::optional<SmallVector<int64_t>> axes = constantInts(unsqueeze.getAxes());
  auto result = dyn_cast<RankedTensorType>(unsqueeze.getExpanded().getType());
  if (!axes || !result)
    return false;
  int64_t rank = result.getRank();
  llvm::SmallDenseSet<int64_t> inserted;
  for (int64_t a : *axes)
    inserted.insert(a < 0 ? a + rank : a);
  bool sized = false;
  for (int64_t d = 0; d < rank; ++d) {
    if (inserted.contains(d)) {
      if (sized)
        return false;
    } else if (result.getDimSize(d) != 1) {
      sized = true;
    }
  }
  return true;
}

/// Adds the i1 mask `cond` (attending where true, or where false when
/// negated) to `chain`, split into the masks it combines: Not flips it,
/// And of attending masks (Or of negated ones) is each of them.
void addBoolMask(Chain &chain, Value cond, bool negated, int depth = 0) {
  cond = stripCasts(cond);
  Operation *def = cond.getDefiningOp();
  if (def && depth < 8) {
    if (auto n = dyn_cast<onnxir::NotOp>(def))
      return addBoolMask(chain, n.getX(), !negated, depth + 1);
    if (auto cast = dyn_cast<onnxir::CastOp>(def);
        cast && cast.getInput().getType() == cast.getType())
      return addBoolMask(chain, cast.getInput(), negated, depth + 1);
    // Unit dimensions in front of all but unit ones change nothing a mask
    // broadcasts to.
    if (auto unsqueeze = dyn_cast<onnxir::UnsqueezeOp>(def);
        unsqueeze && insertsLeadingUnitDims(unsqueeze))
      return addBoolMask(chain, unsqueeze.getData(), negated, depth + 1);
    if ((!negated && isa<onnxir::AndOp>(def)) ||
        (negated && isa<onnxir::OrOp>(def))) {
      addBoolMask(chain, def->getOperand(0), negated, depth + 1);
      addBoolMask(chain, def->getOperand(1), negated, depth + 1);
      return;
    }
  }
  chain.boolMasks.push_back({cond, negated, chain.onView});
}

/// A divisor: a constant, or Sqrt of one.
std::optional<double> constantDivisor(Value v) {
  v = stripCasts(v);
  if (auto sqrt = v.getDefiningOp<onnxir::SqrtOp>()) {
    std::optional<double> d = constantFloat(sqrt.getX());
    if (d && *d > 0)
      return std::sqrt(*d);
    return std::nullopt;
  }
  std::optional<double> d = constantFloat(v);
  if (d && *d != 0)
    return d;
  return std::nullopt;
}

/// Peels scale factors a in Mul(x, a) / Mul(a, x), and 1 / a in Div(x,
/// a), off `value`.
Value peelMul(Value value, double &scale) {
  value = stripCasts(value);
  if (auto div = value.getDefiningOp<onnxir::DivOp>()) {
    if (std::optional<double> d = constantDivisor(div.getB())) {
      scale /= *d;
      return div.getA();
    }
  }
  if (auto mul = value.getDefiningOp<onnxir::MulOp>()) {
    if (std::optional<double> a = constantFloat(mul.getB())) {
      scale *= *a;
      return mul.getA();
    }
    if (std::optional<double> a = constantFloat(mul.getA())) {
      scale *= *a;
      return mul.getB();
    }
  }
  return value;
}

/// Matches the scale, optional softcap and Q.Kt product of `scores`.
bool matchMaskedScores(Value value, Chain &chain);

/// Whether `view` views `merged` [B * H, S, S'] as [B, H, S, S'] (or the
/// reverse): the same last two dimensions, the first split in two.
bool isHeadsView(Value merged, Value view) {
  SymbolicShapes shapes;
  std::optional<SymbolicShape> m = shapes.shapeOf(merged),
                               v = shapes.shapeOf(view);
  return m && v && m->size() == 3 && v->size() == 4 && (*m)[1] == (*v)[2] &&
         (*m)[2] == (*v)[3] && (*m)[0] == (*v)[0] * (*v)[1];
}

bool matchScores(Value scores, Chain &chain) {
  scores = stripCasts(scores);
  // BLOOM's [B * H, S, S'] scores viewed as [B, H, S, S'] for the masks and
  // the softmax.
  if (auto view = scores.getDefiningOp<onnxir::ReshapeOp>();
      view && chain.onView && isHeadsView(view.getData(), view.getReshaped())) {
    chain.onView = false;
    return matchMaskedScores(view.getData(), chain);
  }
  // Softcap: Mul(Tanh(Div(s, c)), c).
  if (auto mul = scores.getDefiningOp<onnxir::MulOp>()) {
    for (auto [t, c] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())}) {
      auto tanh = stripCasts(t).getDefiningOp<onnxir::TanhOp>();
      std::optional<double> cap = constantFloat(c);
      if (!tanh || !cap || *cap <= 0)
        continue;
      auto div = stripCasts(tanh.getX()).getDefiningOp<onnxir::DivOp>();
      if (!div || constantFloat(div.getB()) != cap)
        continue;
      chain.softcap = *cap;
      scores = stripCasts(div.getA());
      break;
    }
  }
  // The scale.
  if (auto div = scores.getDefiningOp<onnxir::DivOp>()) {
    if (std::optional<double> d = constantDivisor(div.getB())) {
      chain.scale /= *d;
      scores = stripCasts(div.getA());
    }
  } else {
    scores = peelMul(scores, chain.scale);
  }
  auto product = scores.getDefiningOp<onnxir::MatMulOp>();
  if (!product)
    return false;
  chain.q = peelMul(product.getA(), chain.scale);
  Value kt = peelMul(product.getB(), chain.scale);
  auto transpose = kt.getDefiningOp<onnxir::TransposeOp>();
  RankedTensorType ktType = rankedFloat(kt);
  if (!ktType || ktType.getRank() < 2)
    return false;
  int64_t rank = ktType.getRank();
  if (transpose && transpose.getPerm()) {
    SmallVector<int64_t> perm =
        llvm::map_to_vector(transpose.getPerm()->getAsValueRange<IntegerAttr>(),
                            [](const APInt &i) { return i.getSExtValue(); });
    SmallVector<int64_t> swap = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    std::swap(swap[rank - 2], swap[rank - 1]);
    if (perm == swap) {
      chain.k = transpose.getData();
      return true;
    }
  }
  chain.k = kt;
  chain.transposeK = true;
  return true;
}

/// Adds the float mask `mask` to `chain`, split into the masks it sums
/// (leading Unsqueezes looked through): each is added to the scores.
void addFloatMask(Chain &chain, Value mask, int depth = 0) {
  mask = stripCasts(mask);
  Operation *def = mask.getDefiningOp();
  if (def && depth < 8) {
    if (auto unsqueeze = dyn_cast<onnxir::UnsqueezeOp>(def);
        unsqueeze && insertsLeadingUnitDims(unsqueeze))
      return addFloatMask(chain, unsqueeze.getData(), depth + 1);
    if (auto add = dyn_cast<onnxir::AddOp>(def)) {
      addFloatMask(chain, add.getA(), depth + 1);
      addFloatMask(chain, add.getB(), depth + 1);
      return;
    }
  }
  chain.floatMasks.push_back({mask, false, chain.onView});
}

/// Peels the masks off `value` down to the scores.
bool matchMaskedScores(Value value, Chain &chain) {
  for (int depth = 0; depth < 8; ++depth) {
    value = stripCasts(value);
    if (auto add = value.getDefiningOp<onnxir::AddOp>()) {
      // The scores side is the one that goes on to a MatMul; try both.
      Chain trial = chain;
      if (matchMaskedScores(add.getA(), trial)) {
        chain = trial;
        addFloatMask(chain, add.getB());
        return true;
      }
      trial = chain;
      if (matchMaskedScores(add.getB(), trial)) {
        chain = trial;
        addFloatMask(chain, add.getA());
        return true;
      }
      return false;
    }
    if (auto where = value.getDefiningOp<onnxir::WhereOp>()) {
      if (isMaskFill(where.getY())) {
        addBoolMask(chain, where.getCondition(), false);
        value = where.getX();
        continue;
      }
      if (isMaskFill(where.getX())) {
        addBoolMask(chain, where.getCondition(), true);
        value = where.getY();
        continue;
      }
      return false;
    }
    return matchScores(value, chain);
  }
  return false;
}

/// Reads through the repetition of K or V for grouped-query heads:
/// Reshape(Expand(Unsqueeze(x, [2]), [B, Hkv, g, S, D]), [B, Hkv g, S, D])
/// -> x.
Value unrepeatHeads(Value value) {
  auto reshape = stripCasts(value).getDefiningOp<onnxir::ReshapeOp>();
  if (!reshape)
    return Value();
  auto expand = stripCasts(reshape.getData()).getDefiningOp<onnxir::ExpandOp>();
  if (!expand)
    return Value();
  auto unsqueeze =
      stripCasts(expand.getInput()).getDefiningOp<onnxir::UnsqueezeOp>();
  if (!unsqueeze ||
      constantInts(unsqueeze.getAxes()) != SmallVector<int64_t>{2})
    return Value();
  RankedTensorType x = rankedFloat(unsqueeze.getData());
  RankedTensorType expanded = rankedFloat(expand.getOutput());
  RankedTensorType merged = rankedFloat(reshape.getReshaped());
  if (!x || !expanded || !merged || x.getRank() != 4 ||
      expanded.getRank() != 5 || merged.getRank() != 4)
    return Value();
  // The repeated tensor merges the group into the heads, the rest kept.
  auto same = [](int64_t a, int64_t b) {
    return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
  };
  int64_t heads = x.getDimSize(1), group = expanded.getDimSize(2);
  if (!same(expanded.getDimSize(1), heads) || ShapedType::isDynamic(group) ||
      ShapedType::isDynamic(heads) || merged.getDimSize(1) != heads * group ||
      !same(merged.getDimSize(0), x.getDimSize(0)) ||
      !same(merged.getDimSize(2), x.getDimSize(2)) ||
      !same(merged.getDimSize(3), x.getDimSize(3)))
    return Value();
  return unsqueeze.getData();
}

/// `x` with `n` unit dimensions in front (onnx.Unsqueeze), or itself.
Value addLeadingDims(OpBuilder &b, Location loc, Value x, int64_t n) {
  if (n == 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(n, 1);
  llvm::append_range(shape, type.getShape());
  return onnxir::UnsqueezeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), x,
      i64Constant(b, loc, llvm::to_vector(llvm::seq<int64_t>(0, n))));
}

struct RaiseAttentionChain final : OpRewritePattern<onnxir::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(onnxir::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // The softmax over the last axis, as the attic op or the node.
    // (Through float casts: the softmax computed in f32 for f16 scores.)
    Value probs = stripFloatCasts(op.getA());
    // BLOOM: the softmax over a [B, H, S, S'] view of the scores, viewed
    // back as [B * H, S, S'] for the product with V.
    bool viewed = false;
    if (auto view = probs.getDefiningOp<onnxir::ReshapeOp>();
        view && isHeadsView(view.getReshaped(), view.getData())) {
      probs = stripFloatCasts(view.getData());
      viewed = true;
    }
    Value masked;
    RankedTensorType probsType = rankedFloat(probs);
    if (!probsType || probsType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "no ranked float probabilities");
    int64_t last = probsType.getRank() - 1;
    bool softmax = false;
    if (auto sm = probs.getDefiningOp<SoftmaxOp>()) {
      softmax = true;
      if (sm.getAxisIndex() == last)
        masked = sm.getInput();
    } else if (auto sm = probs.getDefiningOp<onnxir::SoftmaxOp>()) {
      softmax = true;
      if (normalizeAxis(sm.getAxis(), probsType.getRank()) == last)
        masked = sm.getInput();
    }
    if (!softmax)
      return rewriter.notifyMatchFailure(op, "not a product of a softmax");
    if (!masked)
      return nearMiss(rewriter, op,
                      "a product of a softmax along another axis than the "
                      "last (the keys)");
    masked = stripFloatCasts(masked);
    Chain chain;
    chain.onView = viewed;
    if (!matchMaskedScores(masked, chain) || chain.onView)
      return nearMiss(rewriter, op,
                      "a product of a softmax whose scores are no product of "
                      "Q and a transposed K (scaled, capped and masked)");
    chain.v = op.getB();

    RankedTensorType qType = rankedFloat(chain.q), kType = rankedFloat(chain.k),
                     vType = rankedFloat(chain.v);
    int64_t rank = viewed ? 3 : probsType.getRank();
    if (!qType || !kType || !vType || qType.getRank() != rank ||
        kType.getRank() != rank || vType.getRank() != rank || rank > 4)
      return nearMiss(rewriter, op, "Q, K, V of different ranks");
    if (qType.getElementType() != kType.getElementType() ||
        qType.getElementType() != vType.getElementType())
      return nearMiss(rewriter, op, "mixed element types");
    SymbolicShapes shapes = symbolicShapes();
    // Grouped-query repetition of K and V, both or neither.
    if (rank == 4 && !chain.transposeK) {
      Value k0 = unrepeatHeads(chain.k), v0 = unrepeatHeads(chain.v);
      if (k0 && v0 &&
          cast<RankedTensorType>(k0.getType()).getDimSize(1) ==
              cast<RankedTensorType>(v0.getType()).getDimSize(1)) {
        chain.k = k0;
        chain.v = v0;
        kType = rankedFloat(k0);
        vType = rankedFloat(v0);
      }
    }
    // Shapes as attic.attention takes them.
    int64_t front = 4 - rank;
    auto dims = [&](RankedTensorType t) {
      SmallVector<int64_t> d(front, 1);
      llvm::append_range(d, t.getShape());
      return d;
    };
    SmallVector<int64_t> q4 = dims(qType), k4 = dims(kType), v4 = dims(vType);
    if (chain.transposeK)
      std::swap(k4[2], k4[3]);
    auto known = [](int64_t a, int64_t b) {
      return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
    };
    // The head counts: static (grouped-query heads when they differ), or
    // the same symbol (heads folded into a dynamic batch).
    bool sameHeads =
        rank >= 3 && shapes.sameDim(chain.q, rank - 3, chain.k, rank - 3);
    bool staticHeads = !ShapedType::isDynamic(q4[1]) &&
                       !ShapedType::isDynamic(k4[1]) && k4[1] != 0 &&
                       q4[1] % k4[1] == 0;
    if (!known(q4[0], k4[0]) || !known(k4[0], v4[0]) || !known(k4[1], v4[1]) ||
        !known(k4[2], v4[2]) || !known(q4[3], k4[3]) ||
        !(staticHeads || sameHeads))
      return nearMiss(rewriter, op,
                      "Q, K, V shapes do not fit "
                      "attention");
    SmallVector<int64_t> scores = {q4[0], q4[1], q4[2], k4[2]};
    // Masks: those that broadcast to the scores; bands of the scores are
    // `causal` and the windows.
    SmallVector<Mask> boolMasks, floatMasks;
    std::optional<DimExpr> off;
    if (std::optional<DimExpr> sq = shapes.dimOf(masked, -2),
        skv = shapes.dimOf(masked, -1);
        sq && skv)
      off = *skv - *sq;
    for (auto [list, out] : {std::pair(&chain.boolMasks, &boolMasks),
                             std::pair(&chain.floatMasks, &floatMasks)})
      for (const Mask &m : *list) {
        auto type = dyn_cast<RankedTensorType>(m.value.getType());
        if (!type || type.getRank() > 4)
          return nearMiss(rewriter, op, "a mask is not ranked");
        // A mask of the [B, H, S, S'] view holds for [B * H, S, S'] scores
        // when it does not vary over B and H.
        if (m.onView && llvm::any_of(type.getShape().drop_back(2),
                                     [](int64_t d) { return d != 1; }))
          return nearMiss(rewriter, op,
                          "a mask of the [B, H, S, S'] view varies over the "
                          "batch or heads");
        if (!broadcastsTo(type, scores))
          return nearMiss(rewriter, op,
                          "a mask does not broadcast to the scores");
        if (list == &chain.boolMasks && !type.getElementType().isInteger(1))
          return nearMiss(rewriter, op, "a Where mask is not bool");
        if (list == &chain.floatMasks &&
            type.getElementType() != qType.getElementType())
          return nearMiss(rewriter, op,
                          "a float mask of another "
                          "element type");
        // A band of the scores is `causal` (j <= i + Skv - Sq) or a window
        // on either side of that diagonal.
        if (std::optional<Band> attend = attendedBand(
                m.value, m.negated, list == &chain.floatMasks, masked, shapes);
            attend && off) {
          std::optional<int64_t> width =
              (attend->upper ? *off - attend->k : attend->k - *off)
                  .getConstant();
          if (!attend->upper && attend->k == *off && !chain.causal) {
            chain.causal = true;
            continue;
          }
          if (width && *width >= 0) {
            std::optional<int64_t> &window =
                attend->upper ? chain.leftWindow : chain.rightWindow;
            if (!window) {
              window = *width;
              continue;
            }
          }
        }
        out->push_back(m);
      }
    Type elt = qType.getElementType();
    auto resultType = RankedTensorType::get({q4[0], q4[1], q4[2], v4[3]}, elt);
    SmallVector<int64_t> outShape(resultType.getShape().drop_front(front));
    if (!castsTo(RankedTensorType::get(outShape, qType.getElementType()),
                 op.getType()))
      return nearMiss(rewriter, op, "result type does not fit");

    // Build: unit dimensions in front, K transposed, the masks combined.
    Value q = addLeadingDims(rewriter, loc, chain.q, front);
    Value k = chain.k;
    if (chain.transposeK) {
      SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
      std::swap(perm[rank - 2], perm[rank - 1]);
      SmallVector<int64_t> shape(kType.getShape());
      std::swap(shape[rank - 2], shape[rank - 1]);
      k = onnxir::TransposeOp::create(
          rewriter, loc, RankedTensorType::get(shape, kType.getElementType()),
          k, rewriter.getI64ArrayAttr(perm));
    }
    k = addLeadingDims(rewriter, loc, k, front);
    Value v = addLeadingDims(rewriter, loc, chain.v, front);
    // The bool masks And-ed, the float ones added, then the float mask
    // kept where the bool one attends (-inf elsewhere).
    auto shapeOf = [](Value x) {
      return cast<RankedTensorType>(x.getType()).getShape();
    };
    Value boolMask, floatMask;
    for (const Mask &m : boolMasks) {
      Value term = m.value;
      if (m.negated)
        term = onnxir::NotOp::create(rewriter, loc, term.getType(), term);
      boolMask = combineMasks(rewriter, loc, boolMask, term, elt);
    }
    for (const Mask &m : floatMasks)
      floatMask =
          !floatMask
              ? m.value
              : onnxir::AddOp::create(
                    rewriter, loc,
                    RankedTensorType::get(
                        broadcastShape(shapeOf(floatMask), shapeOf(m.value)),
                        elt),
                    floatMask, m.value);
    Value mask = floatMask;
    if (boolMask)
      mask = combineMasks(rewriter, loc, floatMask, boolMask, elt);

    Value y = AttentionOp::create(
        rewriter, loc, resultType, q, k, v, mask, /*kv_lengths=*/Value(),
        rewriter.getF64FloatAttr(chain.scale),
        chain.causal ? rewriter.getUnitAttr() : UnitAttr(),
        chain.leftWindow ? rewriter.getI64IntegerAttr(*chain.leftWindow)
                         : IntegerAttr(),
        chain.rightWindow ? rewriter.getI64IntegerAttr(*chain.rightWindow)
                          : IntegerAttr(),
        chain.softcap ? rewriter.getF64FloatAttr(*chain.softcap) : FloatAttr(),
        AttentionKernelAttr::get(getContext(), AttentionKernel::softmax),
        /*train_length=*/IntegerAttr(), /*reweight_power=*/FloatAttr());
    if (front > 0)
      y = onnxir::SqueezeOp::create(
          rewriter, loc,
          RankedTensorType::get(outShape, qType.getElementType()), y,
          i64Constant(rewriter, loc,
                      llvm::to_vector(llvm::seq<int64_t>(0, front))));
    rewriter.replaceOp(op, castTo(rewriter, loc, y, op.getType()));
    return success();
  }
};

} // namespace

void raise::populateAttentionChainPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttentionChain>(patterns.getContext());
}
