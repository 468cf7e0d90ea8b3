#!/usr/bin/python3
"""Runs a corpus written by torch_corpus.py through attic-onnx and ONNX
Runtime, each model on every one of its data sets:

  fused     `attic-onnx optimize --report`: the attentions and losses
            found, against what corpus.json says the model holds (a loss
            its classifier feeds counts as attic.linear_cross_entropy
            only)
  valid     the optimized model keeps every graph input and output (name,
            element type, dimensions and dynamic axes' names) and passes
            ONNX's checker where it knows the opset (up to 17 here)
  ort       the optimized model loads and runs in ONNX Runtime with the
            original's outputs (ort_compare.js, within 1e-4) on each
            data set
  run       `attic-onnx run` on the model's directory reproduces every
            data set's expected outputs

Prints one line per model and check ("<model> fused 1/1", "<model> ort
ok", "<model> run FAIL <why>") and ends with the totals:

  corpus: models=N attentions=F/A losses=F/L valid=V/N ort=K/N run=R/N

Usage: corpus_check.py ATTIC_ONNX NODE_MODULES CORPUS WORK [MODEL...]
(NODE_MODULES "" skips the ONNX Runtime runs.)
"""

import json
import os
import subprocess
import sys

import onnx

UTILS = os.path.dirname(os.path.abspath(__file__))
ATTENTION_OPS = {"attic.attention"}
LOSS_OPS = {"attic.cross_entropy", "attic.linear_cross_entropy", "attic.nll_loss",
            "attic.topk_softmax", "attic.linear_spherical_z_loss",
            "attic.spherical_z_loss"}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def first_line(text):
    for line in text.splitlines():
        if line.strip() and not line.rstrip().endswith(": ok"):
            return line.strip()[:300]
    return ""


def interface(model, kind):
    """(name, element type, dims) of each graph input or output, a
    dimension by its dim_param where it has one."""
    initialized = {t.name for t in model.graph.initializer}
    return [(v.name, v.type.tensor_type.elem_type,
             [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim])
            for v in getattr(model.graph, kind) if v.name not in initialized]


def validity_problem(original, optimized):
    """Why the optimized model is not a faithful, valid rewrite, or ""."""
    a, b = onnx.load(original), onnx.load(optimized)
    for kind in ("input", "output"):
        if interface(a, kind) != interface(b, kind):
            return f"graph {kind}s {interface(a, kind)} became {interface(b, kind)}"
    opset = max(o.version for o in b.opset_import if o.domain in ("", "ai.onnx"))
    if opset <= 17:
        try:
            onnx.checker.check_model(b)
        except Exception as e:  # noqa: BLE001 - the checker's message is the point
            return "ONNX's checker: " + str(e).splitlines()[0]
    return ""


def main():
    tool, modules, corpus, work = sys.argv[1:5]
    listing = json.load(open(os.path.join(corpus, "corpus.json")))
    names = sys.argv[5:] or sorted(listing)
    totals = dict(models=0, att=0, att_all=0, loss=0, loss_all=0, valid=0, ort=0, run=0)
    for name in names:
        want = listing[name]
        src = os.path.join(corpus, name)
        out = os.path.join(work, name)
        os.makedirs(out, exist_ok=True)
        totals["models"] += 1
        totals["att_all"] += want["attentions"]
        totals["loss_all"] += want["losses"]
        optimized = os.path.join(out, "optimized.onnx")
        report = os.path.join(out, "report.json")
        r = run([tool, "optimize", os.path.join(src, "model.onnx"), "-o", optimized,
                 f"--report={report}"])
        if r.returncode != 0:
            print(f"{name} optimize FAIL {first_line(r.stderr)}")
            continue
        found = [f["op"] for f in json.load(open(report))["found"]]
        att = min(sum(op in ATTENTION_OPS for op in found), want["attentions"])
        # A loss fed by a classifier counts once its matmul is fused in.
        linear = want.get("classifier_losses", 0)
        loss = min(sum(op in LOSS_OPS - {"attic.linear_cross_entropy"} for op in found),
                   want["losses"] - linear) + \
            min(sum(op == "attic.linear_cross_entropy" for op in found), linear)
        totals["att"] += att
        totals["loss"] += loss
        missed = [f"{m['op']}: {m['reason']}" for m in json.load(open(report))["left_alone"]]
        print(f"{name} fused attentions {att}/{want['attentions']} "
              f"losses {loss}/{want['losses']}"
              + (f" missed: {'; '.join(missed)}" if missed else ""))
        problem = validity_problem(os.path.join(src, "model.onnx"), optimized)
        if problem:
            print(f"{name} valid FAIL {problem[:300]}")
        else:
            totals["valid"] += 1
            print(f"{name} valid ok")
        if modules:
            ok = True
            sets = sorted(d for d in os.listdir(src) if d.startswith("test_data_set_"))
            for s in sets:
                inputs = os.path.join(out, "inputs_" + s)
                r = run(["/usr/bin/python3", os.path.join(UTILS, "ort_inputs.py"), src,
                         inputs, s])
                if r.returncode == 0:
                    r = run(["node", os.path.join(UTILS, "ort_compare.js"),
                             os.path.join(inputs, "manifest.json"),
                             os.path.join(src, "model.onnx"), optimized],
                            env=dict(os.environ, NODE_PATH=modules))
                if r.returncode != 0:
                    print(f"{name} ort FAIL {s}: {first_line(r.stdout + r.stderr)}")
                    ok = False
                    break
            if ok:
                totals["ort"] += 1
                print(f"{name} ort ok")
        r = run([tool, "run", src])
        if r.returncode == 0:
            totals["run"] += 1
            print(f"{name} run ok")
        else:
            print(f"{name} run FAIL {first_line(r.stdout + r.stderr)}")
    t = totals
    print(f"corpus: models={t['models']} attentions={t['att']}/{t['att_all']} "
          f"losses={t['loss']}/{t['loss_all']} valid={t['valid']}/{t['models']} "
          f"ort={t['ort']}/{t['models']} "
          f"run={t['run']}/{t['models']}")


if __name__ == "__main__":
    main()
