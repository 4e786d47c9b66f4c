#!/usr/bin/python3
"""Differential tests of gonote's tensor package against PyTorch 1.13.

The generator below builds random cases (shapes with broadcasting, several
dtypes, non-contiguous views, Python-number operands, error cases), runs
each one in PyTorch and records the result: dtype, shape, values and repr,
or the exception's type and message. The Go test TestTorchCases
(tensor/torch_cases_test.go) replays the cases with gonote and compares.

    /usr/bin/python3 -m unittest tests.test_tensor_torch   # fresh cases, run by go test
    /usr/bin/python3 tests/test_tensor_torch.py --write tensor/testdata/torch_cases.json

The second form refreshes the cases committed for `go test` on machines
without PyTorch. Needs Debian's python3-torch and python3-numpy; the test
is skipped when torch cannot be imported.
"""

import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest

try:
    import torch
except ImportError:  # the test below is skipped
    torch = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DTYPES = {} if torch is None else {
    "float32": torch.float32, "float64": torch.float64, "int64": torch.int64,
    "int32": torch.int32, "uint8": torch.uint8, "bool": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def enc(v):
    """Encodes one element for JSON (NaN and infinities as strings)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def tensor_json(t):
    t = t.detach()
    return {
        "dtype": NAMES[t.dtype],
        "shape": list(t.shape),
        "data": [enc(x) for x in t.reshape(-1).tolist()],
        "repr": repr(t).replace("dtype=torch.", "dtype="),
    }


def rand_tensor(rng, shape, dtype):
    n = 1
    for s in shape:
        n *= s
    if dtype == "bool":
        data = [rng.random() < 0.5 for _ in range(n)]
    elif dtype == "uint8":
        data = [rng.randrange(0, 10) for _ in range(n)]
    elif dtype in ("int64", "int32"):
        data = [rng.randrange(-9, 10) for _ in range(n)]
    else:
        data = [round(rng.uniform(-3, 3), rng.choice([1, 2, 6])) for _ in range(n)]
    return {"dtype": dtype, "shape": list(shape), "data": data}


def build(spec):
    """Builds the torch tensor an input spec describes (with its view)."""
    data = [float(x) if isinstance(x, str) else x for x in spec["data"]]
    t = torch.tensor(data, dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"])
    for v in spec.get("views", []):
        if v[0] == "t":
            t = t.t()
        elif v[0] == "transpose":
            t = t.transpose(v[1], v[2])
        elif v[0] == "slice":
            idx = [slice(None)] * t.dim()
            idx[v[1]] = slice(v[2], v[3], v[4])
            t = t[tuple(idx)]
        elif v[0] == "expand":
            t = t.expand(*v[1])
    return t


def arg(a):
    if isinstance(a, dict) and "scalar" in a:
        return a["scalar"]
    if isinstance(a, dict) and "tensor" in a:
        return build(a["tensor"])
    return a


# Each op: how torch computes it from (inputs, args).
OPS = {
    "add": lambda x, a: x[0] + arg(a[0]), "sub": lambda x, a: x[0] - arg(a[0]),
    "mul": lambda x, a: x[0] * arg(a[0]), "div": lambda x, a: x[0] / arg(a[0]),
    "pow": lambda x, a: x[0] ** arg(a[0]),
    "maximum": lambda x, a: torch.maximum(x[0], x[1]), "minimum": lambda x, a: torch.minimum(x[0], x[1]),
    "eq": lambda x, a: x[0] == arg(a[0]), "ne": lambda x, a: x[0] != arg(a[0]),
    "lt": lambda x, a: x[0] < arg(a[0]), "le": lambda x, a: x[0] <= arg(a[0]),
    "gt": lambda x, a: x[0] > arg(a[0]), "ge": lambda x, a: x[0] >= arg(a[0]),
    "logical_and": lambda x, a: torch.logical_and(x[0], x[1]),
    "logical_or": lambda x, a: torch.logical_or(x[0], x[1]),
    "logical_xor": lambda x, a: torch.logical_xor(x[0], x[1]),
    "logical_not": lambda x, a: torch.logical_not(x[0]),
    "neg": lambda x, a: -x[0], "abs": lambda x, a: x[0].abs(), "exp": lambda x, a: x[0].exp(),
    "log": lambda x, a: x[0].log(), "sqrt": lambda x, a: x[0].sqrt(), "sin": lambda x, a: x[0].sin(),
    "cos": lambda x, a: x[0].cos(), "tanh": lambda x, a: x[0].tanh(), "sigmoid": lambda x, a: x[0].sigmoid(),
    "relu": lambda x, a: x[0].relu(), "floor": lambda x, a: x[0].floor(), "ceil": lambda x, a: x[0].ceil(),
    "round": lambda x, a: x[0].round(),
    "clamp": lambda x, a: x[0].clamp(arg(a[0]), arg(a[1])),
    "sum": lambda x, a: x[0].sum(a[0], keepdim=a[1]) if a[0] is not None else x[0].sum(),
    "mean": lambda x, a: x[0].mean(a[0], keepdim=a[1]) if a[0] is not None else x[0].mean(),
    "prod": lambda x, a: x[0].prod(a[0], keepdim=a[1]) if a[0] is not None else x[0].prod(),
    "amax": lambda x, a: x[0].amax(a[0], keepdim=a[1]) if a[0] is not None else x[0].max(),
    "amin": lambda x, a: x[0].amin(a[0], keepdim=a[1]) if a[0] is not None else x[0].min(),
    "max_dim": lambda x, a: list(x[0].max(a[0], keepdim=a[1])),
    "min_dim": lambda x, a: list(x[0].min(a[0], keepdim=a[1])),
    "argmax": lambda x, a: x[0].argmax(a[0], keepdim=a[1]) if a[0] is not None else x[0].argmax(),
    "argmin": lambda x, a: x[0].argmin(a[0], keepdim=a[1]) if a[0] is not None else x[0].argmin(),
    "var": lambda x, a: x[0].var(a[0], keepdim=a[1]) if a[0] is not None else x[0].var(),
    "std": lambda x, a: x[0].std(a[0], keepdim=a[1]) if a[0] is not None else x[0].std(),
    "norm": lambda x, a: x[0].norm(dim=a[0], keepdim=a[1]) if a[0] is not None else x[0].norm(),
    "all": lambda x, a: x[0].all(a[0], keepdim=a[1]) if a[0] is not None else x[0].all(),
    "any": lambda x, a: x[0].any(a[0], keepdim=a[1]) if a[0] is not None else x[0].any(),
    "softmax": lambda x, a: x[0].softmax(a[0]), "log_softmax": lambda x, a: x[0].log_softmax(a[0]),
    "cumsum": lambda x, a: x[0].cumsum(a[0]),
    "sort": lambda x, a: list(x[0].sort(dim=a[0], descending=a[1], stable=True)),
    "topk": lambda x, a: list(x[0].topk(a[0], a[1], largest=a[2])),
    "matmul": lambda x, a: x[0] @ x[1], "mm": lambda x, a: x[0].mm(x[1]),
    "bmm": lambda x, a: x[0].bmm(x[1]), "dot": lambda x, a: x[0].dot(x[1]),
    "outer": lambda x, a: x[0].outer(x[1]),
    "reshape": lambda x, a: x[0].reshape(a[0]), "view": lambda x, a: x[0].view(a[0]),
    "transpose": lambda x, a: x[0].transpose(a[0], a[1]), "permute": lambda x, a: x[0].permute(a[0]),
    "flatten": lambda x, a: x[0].flatten(a[0], a[1]), "squeeze": lambda x, a: x[0].squeeze(*a),
    "unsqueeze": lambda x, a: x[0].unsqueeze(a[0]), "expand": lambda x, a: x[0].expand(a[0]),
    "cat": lambda x, a: torch.cat(x, a[0]), "stack": lambda x, a: torch.stack(x, a[0]),
    "split": lambda x, a: list(x[0].split(a[0], a[1])), "chunk": lambda x, a: list(x[0].chunk(a[0], a[1])),
    "narrow": lambda x, a: x[0].narrow(a[0], a[1], a[2]), "select": lambda x, a: x[0].select(a[0], a[1]),
    "index_select": lambda x, a: x[0].index_select(a[0], x[1]), "gather": lambda x, a: x[0].gather(a[0], x[1]),
    "masked_select": lambda x, a: x[0].masked_select(x[1]),
    "masked_fill": lambda x, a: x[0].masked_fill(x[1], arg(a[0])),
    "where": lambda x, a: torch.where(x[0], arg(a[0]), arg(a[1])),
    "scatter": lambda x, a: x[0].scatter(a[0], x[1], arg(a[1])),
    "scatter_add": lambda x, a: x[0].scatter_add(a[0], x[1], x[2]),
    "index_add": lambda x, a: x[0].index_add(a[0], x[1], x[2]),
    "resize": lambda x, a: torch.nn.functional.interpolate(
        x[0][None], size=(a[0], a[1]), mode="bilinear", align_corners=False)[0],
    "to": lambda x, a: x[0].to(DTYPES[a[0]]), "clone": lambda x, a: x[0].clone(),
    "inverse": lambda x, a: x[0].inverse(), "det": lambda x, a: x[0].det(),
    "solve": lambda x, a: torch.linalg.solve(x[0], x[1]),
    "index": lambda x, a: eval("x0[" + a[0] + "]", {"x0": x[0]}),
}


def run_case(c):
    try:
        xs = [build(s) for s in c["inputs"]]
        r = OPS[c["op"]](xs, c.get("args", []))
    except Exception as e:  # noqa: BLE001 - every torch error is a case
        kind = type(e).__name__
        if kind not in ("IndexError", "ValueError", "TypeError"):
            kind = "RuntimeError"
        return {"error": str(e).split("\n")[0], "kind": kind}
    if isinstance(r, list):
        return {"outputs": [tensor_json(t) for t in r]}
    return {"outputs": [tensor_json(r)]}


def shapes_broadcasting(rng):
    base = [rng.randrange(1, 5) for _ in range(rng.randrange(0, 4))]
    other = list(base)
    for i in range(len(other)):
        if rng.random() < 0.3:
            other[i] = 1
    if rng.random() < 0.3 and other:
        other = other[rng.randrange(len(other)):]
    if rng.random() < 0.5:
        base, other = other, base
    return base, other


def maybe_view(rng, spec):
    """Sometimes replaces spec by a non-contiguous view with the same shape."""
    shape = spec["shape"]
    if len(shape) >= 2 and rng.random() < 0.3:
        spec["shape"] = shape[:-2] + [shape[-1], shape[-2]]
        n = len(shape)
        spec["data"] = build(spec).transpose(n - 2, n - 1).contiguous().reshape(-1).tolist()
        spec["views"] = [["transpose", n - 2, n - 1]]
    elif shape and rng.random() < 0.2:
        d = rng.randrange(len(shape))
        big = list(shape)
        big[d] = shape[d] * 2
        full = rand_tensor(rng, big, spec["dtype"])
        spec.update(full)
        spec["views"] = [["slice", d, 0, None, 2]]
    return spec


def generate(seed, per_op=12):
    rng = random.Random(seed)
    cases = []
    num = ["float32", "float64", "int64", "int32", "uint8"]
    alld = num + ["bool"]

    def add(op, inputs, args=()):
        cases.append({"name": "%s#%d" % (op, len(cases)), "op": op, "inputs": inputs, "args": list(args)})

    for op in ["add", "sub", "mul", "div", "pow", "eq", "ne", "lt", "le", "gt", "ge"]:
        for _ in range(per_op):
            s1, s2 = shapes_broadcasting(rng)
            d1, d2 = rng.choice(alld), rng.choice(alld)
            if op == "pow" and (d1 == "bool" or d2 == "bool"):
                d1 = "float32"
            if rng.random() < 0.3:
                sc = rng.choice([2, -1, 0.5, 2.5, True])
                if op == "pow" and sc is True:
                    sc = 2
                add(op, [maybe_view(rng, rand_tensor(rng, s1, d1))], [{"scalar": sc}])
            else:
                add(op, [maybe_view(rng, rand_tensor(rng, s1, d1))],
                    [{"tensor": maybe_view(rng, rand_tensor(rng, s2, d2))}])
    for op in ["maximum", "minimum", "logical_and", "logical_or", "logical_xor"]:
        for _ in range(per_op // 2):
            s1, s2 = shapes_broadcasting(rng)
            d = rng.choice(alld)
            add(op, [rand_tensor(rng, s1, d), maybe_view(rng, rand_tensor(rng, s2, d))])
    for op in ["neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu",
               "floor", "ceil", "round", "logical_not"]:
        for _ in range(per_op // 2):
            s, _ = shapes_broadcasting(rng)
            add(op, [maybe_view(rng, rand_tensor(rng, s, rng.choice(alld)))])
    for _ in range(per_op):
        s, _ = shapes_broadcasting(rng)
        lo = rng.choice([None, -1, 0.5, 1])
        hi = rng.choice([None, 2, 1.5]) if lo is not None else rng.choice([2, 1.5])
        add("clamp", [rand_tensor(rng, s, rng.choice(num))], [{"scalar": lo}, {"scalar": hi}])
    for op in ["sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "var", "std", "norm", "all", "any"]:
        for _ in range(per_op):
            s = [rng.randrange(1, 5) for _ in range(rng.randrange(1, 4))]
            d = rng.choice(alld if op in ("sum", "all", "any", "prod") else num)
            if op == "norm" or (op in ("var", "std", "mean") and rng.random() < 0.8):
                d = rng.choice(["float32", "float64"])
            dim = None
            if rng.random() < 0.7:
                dim = rng.randrange(-len(s), len(s))
                if op not in ("argmax", "argmin", "all", "any", "prod") and rng.random() < 0.3 and len(s) > 1:
                    dim = [0, len(s) - 1]
            add(op, [maybe_view(rng, rand_tensor(rng, s, d))], [dim, dim is not None and rng.random() < 0.3])
    for op in ["max_dim", "min_dim"]:
        for _ in range(per_op // 2):
            s = [rng.randrange(1, 5) for _ in range(rng.randrange(1, 4))]
            add(op, [maybe_view(rng, rand_tensor(rng, s, rng.choice(num)))],
                [rng.randrange(-len(s), len(s)), rng.random() < 0.5])
    for op in ["softmax", "log_softmax", "cumsum"]:
        for _ in range(per_op // 2):
            s = [rng.randrange(1, 5) for _ in range(rng.randrange(1, 4))]
            d = "float32" if op != "cumsum" else rng.choice(alld)
            add(op, [maybe_view(rng, rand_tensor(rng, s, d))], [rng.randrange(-len(s), len(s))])
    for _ in range(per_op // 2):
        s = [rng.randrange(1, 6) for _ in range(rng.randrange(1, 3))]
        t = rand_tensor(rng, s, rng.choice(["float32", "int64"]))
        t["data"] = [float(x) if t["dtype"] == "float32" else x for x in t["data"]]
        dim = rng.randrange(-len(s), len(s))
        add("sort", [t], [dim, rng.random() < 0.5])
    for _ in range(per_op):
        a = [rng.randrange(1, 4) for _ in range(rng.randrange(1, 4))]
        kind = rng.random()
        d = rng.choice(["float32", "float64", "int64"])
        k = a[-1]
        if kind < 0.3:
            b = [k]
        elif kind < 0.6:
            b = [k, rng.randrange(1, 4)]
        else:
            b = a[:-2] + [k, rng.randrange(1, 4)]
        if rng.random() < 0.15:
            b[0 if len(b) == 1 else -2] += 1  # a shape error
        add("matmul", [maybe_view(rng, rand_tensor(rng, a, d)), maybe_view(rng, rand_tensor(rng, b, d))])
    add("mm", [rand_tensor(rng, [2, 3], "float32"), rand_tensor(rng, [4, 5], "float32")])
    add("mm", [rand_tensor(rng, [2, 3], "float32"), rand_tensor(rng, [3, 2], "float32")])
    add("bmm", [rand_tensor(rng, [2, 3, 4], "float32"), rand_tensor(rng, [2, 4, 2], "float32")])
    add("bmm", [rand_tensor(rng, [2, 3, 4], "float32"), rand_tensor(rng, [3, 4, 2], "float32")])
    add("dot", [rand_tensor(rng, [3], "float64"), rand_tensor(rng, [3], "float64")])
    add("dot", [rand_tensor(rng, [3], "float32"), rand_tensor(rng, [4], "float32")])
    add("outer", [rand_tensor(rng, [3], "int64"), rand_tensor(rng, [2], "float32")])
    for shape, new in [([2, 3], [3, -1]), ([2, 3], [-1]), ([2, 3], [4, -1]), ([4], [2, 2]), ([2, 3], [-1, -1])]:
        add("reshape", [maybe_view(rng, rand_tensor(rng, shape, "float32"))], [new])
        add("view", [maybe_view(rng, rand_tensor(rng, shape, "float32"))], [new])
    add("transpose", [rand_tensor(rng, [2, 3, 4], "int64")], [0, -1])
    add("permute", [rand_tensor(rng, [2, 3, 4], "float32")], [[2, 0, 1]])
    add("permute", [rand_tensor(rng, [2, 3], "float32")], [[0]])
    add("flatten", [rand_tensor(rng, [2, 3, 4], "float32")], [1, 2])
    add("squeeze", [rand_tensor(rng, [1, 3, 1], "float32")], [])
    add("squeeze", [rand_tensor(rng, [1, 3, 1], "float32")], [2])
    add("unsqueeze", [rand_tensor(rng, [2, 3], "float32")], [-1])
    add("expand", [rand_tensor(rng, [3, 1], "float32")], [[2, 3, 4]])
    add("expand", [rand_tensor(rng, [2, 3], "float32")], [[2, 4]])
    add("cat", [rand_tensor(rng, [2, 3], "float32"), rand_tensor(rng, [1, 3], "int64")], [0])
    add("cat", [rand_tensor(rng, [2, 3], "float32"), rand_tensor(rng, [2, 4], "float32")], [0])
    add("stack", [rand_tensor(rng, [2, 3], "float32"), rand_tensor(rng, [2, 3], "float32")], [1])
    add("split", [rand_tensor(rng, [5, 2], "float32")], [2, 0])
    add("split", [rand_tensor(rng, [5, 2], "float32")], [[1, 4], 0])
    add("chunk", [rand_tensor(rng, [5, 2], "float32")], [3, 0])
    add("narrow", [rand_tensor(rng, [4, 3], "float32")], [0, 1, 2])
    add("narrow", [rand_tensor(rng, [4, 3], "float32")], [1, 2, 3])
    add("select", [rand_tensor(rng, [4, 3], "float32")], [1, -1])
    add("select", [rand_tensor(rng, [4, 3], "float32")], [0, 4])
    add("index_select", [rand_tensor(rng, [4, 3], "float32"), {"dtype": "int64", "shape": [3], "data": [3, 0, 3]}], [0])
    add("index_select", [rand_tensor(rng, [4, 3], "float32"), {"dtype": "int64", "shape": [1], "data": [5]}], [1])
    add("gather", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [3, 2], "data": [0, 3, 1, 1, 2, 0]}], [1])
    add("gather", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [1, 1], "data": [7]}], [1])
    idx = {"dtype": "int64", "shape": [2, 2], "data": [0, 3, 1, 1]}
    add("scatter", [rand_tensor(rng, [3, 4], "float32"), idx], [1, {"tensor": rand_tensor(rng, [2, 3], "float32")}])
    add("scatter", [rand_tensor(rng, [3, 4], "int64"), idx], [1, {"scalar": 7}])
    add("scatter", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [1, 1], "data": [4]}], [1, {"scalar": 1.5}])
    add("scatter", [rand_tensor(rng, [3, 4], "float32"), idx], [1, {"tensor": rand_tensor(rng, [2, 2], "float64")}])
    add("scatter", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [1, 5], "data": [0] * 5}], [1, {"tensor": rand_tensor(rng, [1, 1], "float32")}])
    add("scatter_add", [rand_tensor(rng, [3, 4], "float64"), {"dtype": "int64", "shape": [2, 4], "data": [0, 0, 2, 2, 0, 1, 0, 1]}, rand_tensor(rng, [2, 4], "float64")], [0])
    add("index_add", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [3], "data": [0, 2, 0]}, rand_tensor(rng, [3, 4], "float32")], [0])
    add("index_add", [rand_tensor(rng, [3, 4], "int64"), {"dtype": "int32", "shape": [2], "data": [3, 3]}, rand_tensor(rng, [3, 2], "int64")], [1])
    add("index_add", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [1], "data": [5]}, rand_tensor(rng, [3, 1], "float32")], [1])
    add("index_add", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [1], "data": [0]}, rand_tensor(rng, [1, 4], "float64")], [0])
    add("index_add", [rand_tensor(rng, [3, 4], "float32"), {"dtype": "int64", "shape": [1], "data": [0]}, rand_tensor(rng, [4], "float32")], [0])
    for _ in range(per_op):
        shape = [rng.randint(1, 3), rng.randint(1, 9), rng.randint(1, 9)]
        add("resize", [maybe_view(rng, rand_tensor(rng, shape, rng.choice(["float32", "float64"])))],
            [rng.randint(1, 12), rng.randint(1, 12)])
    add("masked_select", [rand_tensor(rng, [3, 4], "float32"), rand_tensor(rng, [4], "bool")])
    add("masked_fill", [rand_tensor(rng, [3, 4], "int64"), rand_tensor(rng, [3, 1], "bool")], [{"scalar": 7}])
    add("where", [rand_tensor(rng, [3, 4], "bool")], [{"tensor": rand_tensor(rng, [4], "float32")}, {"scalar": 0}])
    add("where", [rand_tensor(rng, [3], "int64")], [{"scalar": 1}, {"scalar": 0}])
    for d in alld:
        add("to", [rand_tensor(rng, [2, 3], rng.choice(alld))], [d])
    for expr in ["1", "-1", ":, 1:3", "..., 0", "None, :, None", "::2, 1", "1:, :-1", "0, 0, 0", ":, 5:"]:
        add("index", [rand_tensor(rng, [4, 3], "float32")], [expr])
    add("inverse", [{"dtype": "float64", "shape": [2, 2], "data": [4.0, 7.0, 2.0, 6.0]}])
    add("inverse", [{"dtype": "float32", "shape": [2, 3], "data": [1.0] * 6}])
    add("det", [{"dtype": "float64", "shape": [3, 3], "data": [2.0, 0, 1, 1, 3, 2, 1, 1, 1]}])
    add("det", [{"dtype": "int64", "shape": [2], "data": [1, 2]}])
    add("solve", [{"dtype": "float64", "shape": [2, 2], "data": [3.0, 1, 1, 2]}, {"dtype": "float64", "shape": [2], "data": [9.0, 8]}])

    # Distinct values: PyTorch orders tied elements of topk unpredictably.
    distinct = {"dtype": "float32", "shape": [6], "data": rng.sample(range(-50, 50), 6)}
    add("topk", [distinct], [3, 0, True])
    add("topk", [distinct], [2, 0, False])
    add("topk", [distinct], [7, 0, True])
    add("clone", [maybe_view(rng, rand_tensor(rng, [3, 4], "float32"))])
    # Printing: value scales that switch formats, summarised sizes, dtypes.
    for _ in range(per_op * 3):
        nd = rng.randrange(0, 4)
        shape = [rng.choice([1, 2, 3, 5, 8, 13]) for _ in range(nd)]
        if rng.random() < 0.2:
            shape = [rng.choice([1001, 1200, 3000])] if rng.random() < 0.5 else [rng.choice([40, 7]), rng.choice([30, 200])]
        d = rng.choice(alld)
        spec = rand_tensor(rng, shape, d)
        if d in ("float32", "float64"):
            scale = 10.0 ** rng.choice([-9, -5, -4, -2, 0, 0, 2, 3, 4, 8, 9, 12])
            special = [0.0, -0.0, float("nan"), float("inf"), float("-inf")]
            spec["data"] = [rng.choice(special) if rng.random() < 0.05 else
                            (round(x) if rng.random() < 0.3 else x) * scale for x in spec["data"]]
            spec["data"] = [enc(x) for x in spec["data"]]
        elif d in ("int64", "int32"):
            spec["data"] = [x * 10 ** rng.choice([0, 1, 5]) for x in spec["data"]]
        add("clone", [spec])
    # Last, so that the cases above stay those of earlier seeds: batched solve.
    def system(batch, n, dtype):
        """A batch of well-conditioned n×n matrices: random plus n on the diagonal."""
        spec = rand_tensor(rng, batch + [n, n], dtype)
        spec["data"] = [float(v) + (n if (i // n) % n == i % n else 0) for i, v in enumerate(spec["data"])]
        return spec

    for _ in range(per_op):
        n, k = rng.randint(1, 4), rng.randint(1, 3)
        a_batch = rng.choice([[], [2], [3], [2, 1], [1, 3]])
        d = rng.choice(["float32", "float64"])
        form = rng.choice(["matrix", "vectors", "vector", "broadcast"])
        if form == "matrix":
            b_shape = a_batch + [n, k]
        elif form == "vectors":
            b_shape = a_batch + [n]
        elif form == "vector":
            b_shape = [n]
        else:
            b_shape = rng.choice([[n, k], [4, 1, n, k], [1, n, k], [2, 3, n, k]])
        add("solve", [system(a_batch, n, d), maybe_view(rng, rand_tensor(rng, b_shape, d))])
    singular = system([3], 2, "float64")
    singular["data"][4:8] = [1.0, 2.0, 2.0, 4.0]
    add("solve", [singular, rand_tensor(rng, [3, 2], "float64")])
    add("inverse", [singular])
    add("solve", [system([2], 3, "float32"), rand_tensor(rng, [3, 3, 2], "float32")])
    add("solve", [system([2], 3, "float32"), rand_tensor(rng, [2, 4, 2], "float32")])
    add("solve", [system([3], 3, "float32"), rand_tensor(rng, [2, 3], "float32")])
    add("solve", [system([], 3, "float64"), rand_tensor(rng, [3], "float32")])
    add("solve", [rand_tensor(rng, [3, 3], "int64"), rand_tensor(rng, [3], "int64")])
    add("solve", [system([], 3, "float32"), rand_tensor(rng, [], "float32")])
    add("solve", [rand_tensor(rng, [2, 4, 3], "float32"), rand_tensor(rng, [2, 4], "float32")])
    add("solve", [system([2], 3, "float32"), rand_tensor(rng, [0, 2, 3, 1], "float32")])
    for c in cases:
        c["want"] = run_case(c)
    return cases


@unittest.skipIf(torch is None, "needs python3-torch")
class TensorTorchTest(unittest.TestCase):
    def test_against_torch(self):
        seed = int(os.environ.get("GONOTE_TORCH_SEED", random.randrange(1 << 30)))
        cases = generate(seed)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(cases, f)
            path = f.name
        try:
            r = subprocess.run(
                ["go", "test", "./tensor", "-run", "TestTorchCases", "-count=1", "-args", "-torch-cases=" + path],
                cwd=ROOT, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0,
                             "seed %d (GONOTE_TORCH_SEED=%d reproduces):\n%s%s" % (seed, seed, r.stdout[-6000:], r.stderr[-2000:]))
        finally:
            os.unlink(path)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        with open(sys.argv[2], "w") as f:
            json.dump(generate(4), f, indent=None, separators=(",", ":"))
            f.write("\n")
    else:
        unittest.main()
