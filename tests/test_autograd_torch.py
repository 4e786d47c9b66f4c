#!/usr/bin/python3
"""Differential tests of gonote's autograd, nn, optim and safetensors against
PyTorch 1.13.

The generator below builds cases and runs each one in PyTorch:

* "graph": random compositions of differentiable ops (elementwise with
  broadcasting, views, indexing, reductions, matmul, softmax, ...) on float64
  inputs; the result is reduced with random weights and the gradients of the
  inputs are recorded;
* "layer": functional layers and losses (linear, conv2d with stride, padding,
  dilation and groups, pools, batch and layer norm, GELU, cross-entropy with
  indices, probabilities and label smoothing, NLL, BCE, ...): output and the
  gradients of the input and the weights;
* "optim": SGD (momentum, dampening, Nesterov, weight decay), Adam and AdamW
  over a fixed sequence of gradients, with StepLR and CosineAnnealingLR;
* "safetensors": a torch state dict written with the small writer below (the
  safetensors package is not installed), which gonote loads into an
  nn.Sequential and runs; gonote writes its own file back, which the small
  reader below checks against torch.

The Go test TestTorchAutogradCases (tensor/nn/torch_cases_test.go) replays the
cases and compares.

    /usr/bin/python3 -m unittest tests.test_autograd_torch   # fresh cases, run by go test
    /usr/bin/python3 tests/test_autograd_torch.py --write tensor/nn/testdata/autograd_torch_cases.json

The second form refreshes the cases committed for `go test` on machines
without PyTorch. The test is skipped when torch cannot be imported.
"""

import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
import unittest

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the test below is skipped
    torch = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tj(t):
    """A tensor as JSON: shape and row-major values."""
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


# ---------------------------------------------------------------- graph cases

# Each op: name, arity, a function building torch's result and the argument
# dict that gonote's interpreter reads. Shapes are kept small.

UNARY = ["neg", "exp", "tanh", "sigmoid", "sin", "cos", "abs", "relu", "square"]
POSITIVE_UNARY = ["log", "sqrt"]


def apply_op(op, xs, a):
    """Runs op on torch tensors xs with arguments a (the same rules as Go)."""
    x = xs[0]
    if op == "neg": return -x
    if op == "exp": return x.exp()
    if op == "tanh": return x.tanh()
    if op == "sigmoid": return x.sigmoid()
    if op == "sin": return x.sin()
    if op == "cos": return x.cos()
    if op == "abs": return x.abs()
    if op == "relu": return x.relu()
    if op == "square": return x * x
    if op == "log": return (x.abs() + 0.5).log()
    if op == "sqrt": return (x.abs() + 0.5).sqrt()
    if op == "add": return x + xs[1]
    if op == "sub": return x - xs[1]
    if op == "mul": return x * xs[1]
    if op == "div": return x / (xs[1].abs() + 0.5)
    if op == "maximum": return torch.maximum(x, xs[1])
    if op == "pow": return (x.abs() + 0.5).pow(a["p"])
    if op == "scalar_mul": return x * a["c"]
    if op == "sum": return x.sum(a["dim"], keepdim=a["keep"])
    if op == "mean": return x.mean(a["dim"], keepdim=a["keep"])
    if op == "amax": return x.amax(a["dim"], keepdim=a["keep"])
    if op == "max_dim": return x.max(a["dim"])[0]
    if op == "var": return x.var(a["dim"])
    if op == "norm": return x.norm(dim=a["dim"])
    if op == "prod": return x.prod(a["dim"])
    if op == "softmax": return x.softmax(a["dim"])
    if op == "log_softmax": return x.log_softmax(a["dim"])
    if op == "cumsum": return x.cumsum(a["dim"])
    if op == "cumprod": return x.cumprod(a["dim"])
    if op == "transpose": return x.transpose(a["d0"], a["d1"])
    if op == "reshape": return x.reshape(-1)
    if op == "unsqueeze": return x.unsqueeze(a["dim"])
    if op == "expand": return x.unsqueeze(0).expand(2, *x.shape)
    if op == "select": return x.select(a["dim"], a["i"])
    if op == "slice": return x.narrow(a["dim"], a["start"], a["len"])
    if op == "flip_step": return x.flip(a["dim"])  # gonote: I("..., ::-1") on the last dim
    if op == "index_select": return x.index_select(a["dim"], torch.tensor(a["idx"]))
    if op == "gather": return x.gather(a["dim"], torch.tensor(a["idx"]))
    if op == "cat": return torch.cat([x, xs[1]], a["dim"])
    if op == "stack": return torch.stack([x, xs[1]], a["dim"])
    if op == "where": return torch.where(x > 0, x, xs[1])
    if op == "clamp": return x.clamp(-0.5, 0.5)
    if op == "matmul": return x @ xs[1]
    if op == "mul_inplace": return (x * 1.0).mul_(xs[1])
    if op == "exp_inplace": return (x * 1.0).exp_()
    if op == "tanh_inplace": return (x * 2.0).tanh_()
    raise ValueError(op)


def graph_case(rng):
    """A random chain of 3-6 ops over 1-2 inputs with compatible shapes."""
    shape = [rng.randint(2, 4) for _ in range(rng.choice([1, 2, 2, 3]))]
    inputs = [torch.randn(*shape, dtype=torch.float64) for _ in range(2)]
    values = [t.clone().requires_grad_() for t in inputs]
    steps = []
    cur = 0
    for _ in range(rng.randint(3, 6)):
        x = values[cur]
        nd = x.dim()
        choices = UNARY + POSITIVE_UNARY + ["scalar_mul", "pow", "softmax", "log_softmax", "cumsum", "cumprod", "exp_inplace", "tanh_inplace"]
        if nd >= 1:
            choices += ["sum", "mean", "amax", "var", "norm", "prod", "unsqueeze", "expand", "reshape", "flip_step",
                        "index_select", "gather", "max_dim", "clamp"]
            if x.shape[-1] > 1:
                choices += ["slice"]
            if nd >= 2:
                choices += ["transpose", "select"]
        same = [i for i, v in enumerate(values) if i != cur and list(v.shape) == list(x.shape)]
        if same:
            choices += ["add", "sub", "mul", "div", "maximum", "where", "cat", "stack", "mul_inplace"]
        if nd == 2 and x.numel() <= 16:
            choices += ["matmul_t"]
        if nd == 0:
            choices = UNARY + ["scalar_mul", "pow", "unsqueeze"]
        op = rng.choice(choices)
        a = {}
        ins = [cur]
        if op in ("add", "sub", "mul", "div", "maximum", "where", "cat", "stack", "mul_inplace"):
            ins.append(rng.choice(same))
        if op in ("sum", "mean", "amax", "max_dim", "var", "norm", "prod", "softmax", "log_softmax", "cumsum", "cumprod", "select",
                  "index_select", "gather", "cat"):
            a["dim"] = rng.randrange(max(nd, 1)) if nd else 0
        if op in ("sum", "mean", "amax"):
            a["keep"] = rng.random() < 0.5
        if op == "var" and x.shape[a["dim"]] < 2:
            op = "sum"; a["keep"] = False
        if op in ("softmax", "log_softmax", "cumsum", "cumprod") and nd == 0:
            op = "exp"; a = {}
        if op == "unsqueeze":
            a["dim"] = rng.randrange(nd + 1)
        if op == "stack":
            a["dim"] = rng.randrange(nd + 1)
        if op == "transpose":
            a["d0"], a["d1"] = rng.sample(range(nd), 2)
        if op == "select":
            a["i"] = rng.randrange(x.shape[a["dim"]])
        if op == "slice":
            a["dim"] = nd - 1
            n = x.shape[-1]
            a["start"] = rng.randrange(n - 1)
            a["len"] = rng.randint(1, n - a["start"])
        if op == "flip_step":
            a["dim"] = nd - 1
        if op == "index_select":
            a["idx"] = [rng.randrange(x.shape[a["dim"]]) for _ in range(rng.randint(1, 4))]
        if op == "gather":
            shp = list(x.shape)
            shp[a["dim"]] = rng.randint(1, 3)
            a["idx"] = torch.randint(0, x.shape[a["dim"]], shp).tolist()
        if op == "pow":
            a["p"] = rng.choice([2.0, 0.5, 3.0, -1.0])
        if op == "scalar_mul":
            a["c"] = rng.choice([-2.0, 0.5, 3.0])
        if op == "matmul_t":
            op = "matmul"
            other = len(values)
            values.append(values[cur].transpose(0, 1))
            steps.append({"op": "transpose", "in": [cur], "args": {"d0": 0, "d1": 1}})
            ins.append(other)
        y = apply_op(op, [values[i] for i in ins], a)
        steps.append({"op": op, "in": ins, "args": a})
        values.append(y)
        cur = len(values) - 1
    out = values[cur]
    w = torch.randn(out.shape, dtype=torch.float64)
    grads = torch.autograd.grad((out * w).sum(), values[:2], allow_unused=True)
    return {
        "kind": "graph",
        "inputs": [tj(t) for t in inputs],
        "steps": steps,
        "weight": tj(w),
        "output": tj(out),
        "grad_fn": out.grad_fn.name(),
        "grads": [None if g is None else tj(g) for g in grads],
    }


# ---------------------------------------------------------------- layer cases

def layer_cases(rng):
    cases = []

    def case(name, args, fn, tensors, targets=None):
        leaves = [t.clone().requires_grad_() for t in tensors]
        out = fn(*leaves)
        w = torch.randn(out.shape, dtype=torch.float64)
        grads = torch.autograd.grad((out * w).sum(), leaves)
        c = {"kind": "layer", "name": name, "args": args, "inputs": [tj(t) for t in tensors],
             "weight": tj(w), "output": tj(out), "grads": [tj(g) for g in grads]}
        if targets is not None:
            c["target"] = tj(targets)
            c["target_int"] = not targets.dtype.is_floating_point
        cases.append(c)

    d = torch.float64
    for _ in range(3):
        n, i, o = rng.randint(1, 4), rng.randint(2, 5), rng.randint(2, 5)
        case("linear", {}, lambda x, W, b: F.linear(x, W, b), [torch.randn(n, i, dtype=d), torch.randn(o, i, dtype=d), torch.randn(o, dtype=d)])
    for stride, pad, dil, groups in [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 1), (1, 1, 1, 2), (2, 0, 1, 2)]:
        cin, cout = 2 * groups, 2 * groups
        a = {"stride": stride, "padding": pad, "dilation": dil, "groups": groups}
        case("conv2d", a, lambda x, W, b, a=a: F.conv2d(x, W, b, **a),
             [torch.randn(2, cin, 7, 6, dtype=d), torch.randn(cout, cin // groups, 3, 3, dtype=d), torch.randn(cout, dtype=d)])
    for k, s, p in [(2, 0, 0), (3, 2, 1), (2, 1, 0)]:
        a = {"kernel": k, "stride": s, "padding": p}
        case("max_pool2d", a, lambda x, a=a: F.max_pool2d(x, a["kernel"], a["stride"] or None, a["padding"]), [torch.randn(2, 3, 6, 7, dtype=d)])
        case("avg_pool2d", a, lambda x, a=a: F.avg_pool2d(x, a["kernel"], a["stride"] or None, a["padding"]), [torch.randn(2, 3, 6, 7, dtype=d)])
    # Pools after a ReLU see ties; PyTorch sends the gradient to the first maximum.
    case("max_pool2d_ties", {"kernel": 2, "stride": 0, "padding": 0}, lambda x: F.max_pool2d(x.relu(), 2), [torch.randn(1, 2, 4, 4, dtype=d) - 1])
    for oh, ow in [(1, 1), (2, 3), (3, 2)]:
        case("adaptive_avg_pool2d", {"h": oh, "w": ow}, lambda x, oh=oh, ow=ow: F.adaptive_avg_pool2d(x, (oh, ow)), [torch.randn(2, 2, 5, 7, dtype=d)])
    case("batch_norm_train", {}, lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
         [torch.randn(4, 3, 2, 2, dtype=d), torch.randn(3, dtype=d), torch.randn(3, dtype=d)])
    case("batch_norm1d_train", {}, lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
         [torch.randn(5, 3, dtype=d), torch.randn(3, dtype=d), torch.randn(3, dtype=d)])
    def bn_running(x):
        rm, rv = torch.zeros(3, dtype=d), torch.ones(3, dtype=d)
        y = F.batch_norm(x, rm, rv, training=True, momentum=0.1)
        return torch.cat([y.reshape(-1), rm, rv])
    case("batch_norm_running", {}, bn_running, [torch.randn(4, 3, 2, 2, dtype=d) * 2 + 1])
    case("layer_norm", {}, lambda x, w, b: F.layer_norm(x, (4,), w, b), [torch.randn(3, 4, dtype=d), torch.randn(4, dtype=d), torch.randn(4, dtype=d)])
    case("gelu", {}, lambda x: F.gelu(x), [torch.randn(3, 4, dtype=d) * 2])
    case("gelu_tanh", {}, lambda x: F.gelu(x, approximate="tanh"), [torch.randn(3, 4, dtype=d) * 2])
    case("leaky_relu", {"slope": 0.1}, lambda x: F.leaky_relu(x, 0.1), [torch.randn(3, 4, dtype=d)])
    case("embedding", {"idx": [[1, 0], [3, 1]]}, lambda w: F.embedding(torch.tensor([[1, 0], [3, 1]]), w), [torch.randn(4, 3, dtype=d)])
    for red in ["mean", "sum", "none"]:
        y = torch.randint(0, 4, (5,))
        case("cross_entropy", {"reduction": red, "smoothing": 0.0}, lambda x, y=y, red=red: F.cross_entropy(x, y, reduction=red), [torch.randn(5, 4, dtype=d)], y)
        case("nll", {"reduction": red}, lambda x, y=y, red=red: F.nll_loss(x.log_softmax(1), y, reduction=red), [torch.randn(5, 4, dtype=d)], y)
        t = torch.rand(3, 4, dtype=d)
        case("mse", {"reduction": red}, lambda x, t=t, red=red: F.mse_loss(x, t, reduction=red), [torch.randn(3, 4, dtype=d)], t)
        case("l1", {"reduction": red}, lambda x, t=t, red=red: F.l1_loss(x, t, reduction=red), [torch.randn(3, 4, dtype=d)], t)
        case("bce", {"reduction": red}, lambda x, t=t, red=red: F.binary_cross_entropy(x.sigmoid(), t, reduction=red), [torch.randn(3, 4, dtype=d)], t)
        case("bce_logits", {"reduction": red}, lambda x, t=t, red=red: F.binary_cross_entropy_with_logits(x, t, reduction=red), [torch.randn(3, 4, dtype=d) * 3], t)
    cw = torch.rand(4, dtype=d) + 0.5
    for red in ["mean", "sum", "none"]:
        for eps in [0.0, 0.3]:
            y = torch.randint(0, 4, (6,))
            case("cross_entropy_w", {"reduction": red, "smoothing": eps, "w": cw.tolist()},
                 lambda x, y=y, red=red, eps=eps: F.cross_entropy(x, y, weight=cw, reduction=red, label_smoothing=eps), [torch.randn(6, 4, dtype=d)], y)
            p = torch.rand(6, 4, dtype=d).softmax(1)
            case("cross_entropy_w", {"reduction": red, "smoothing": eps, "w": cw.tolist()},
                 lambda x, p=p, red=red, eps=eps: F.cross_entropy(x, p, weight=cw, reduction=red, label_smoothing=eps), [torch.randn(6, 4, dtype=d)], p)
        y = torch.randint(0, 4, (6,))
        case("nll_w", {"reduction": red, "w": cw.tolist()}, lambda x, y=y, red=red: F.nll_loss(x.log_softmax(1), y, weight=cw, reduction=red), [torch.randn(6, 4, dtype=d)], y)
        t = torch.rand(3, 4, dtype=d)
        ew, pw = torch.rand(4, dtype=d), torch.rand(4, dtype=d) * 3
        case("bce_w", {"reduction": red, "w": ew.tolist()}, lambda x, t=t, red=red, ew=ew: F.binary_cross_entropy(x.sigmoid(), t, weight=ew, reduction=red), [torch.randn(3, 4, dtype=d)], t)
        case("bce_logits_w", {"reduction": red, "w": ew.tolist(), "pw": pw.tolist()},
             lambda x, t=t, red=red, ew=ew, pw=pw: F.binary_cross_entropy_with_logits(x, t, weight=ew, pos_weight=pw, reduction=red), [torch.randn(3, 4, dtype=d) * 3], t)
    y = torch.randint(0, 4, (5,))
    case("cross_entropy", {"reduction": "mean", "smoothing": 0.2}, lambda x: F.cross_entropy(x, y, label_smoothing=0.2), [torch.randn(5, 4, dtype=d)], y)
    p = torch.rand(5, 4, dtype=d).softmax(1)
    case("cross_entropy", {"reduction": "mean", "smoothing": 0.0}, lambda x: F.cross_entropy(x, p), [torch.randn(5, 4, dtype=d)], p)
    case("cross_entropy", {"reduction": "sum", "smoothing": 0.1}, lambda x: F.cross_entropy(x, p, label_smoothing=0.1, reduction="sum"), [torch.randn(5, 4, dtype=d)], p)
    return cases


# ---------------------------------------------------------------- optimizer cases

def optim_cases():
    cases = []
    configs = [
        ("sgd", {"lr": 0.1}),
        ("sgd", {"lr": 0.1, "momentum": 0.9}),
        ("sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
        ("sgd", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
        ("adam", {"lr": 0.01}),
        ("adam", {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1}),
        ("adamw", {"lr": 0.01}),
        ("adamw", {"lr": 0.03, "weight_decay": 0.2}),
    ]
    for sched in ["", "step", "cosine"]:
        for name, opts in configs:
            p0 = torch.randn(2, 3, dtype=torch.float64)
            grads = [torch.randn(2, 3, dtype=torch.float64) for _ in range(5)]
            p = p0.clone().requires_grad_()
            kw = dict(opts)
            if "betas" in kw:
                kw["betas"] = tuple(kw["betas"])
            opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[name]([p], **kw)
            s = None
            if sched == "step":
                s = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
            elif sched == "cosine":
                s = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.001)
            for g in grads:
                p.grad = g.clone()
                opt.step()
                if s is not None:
                    s.step()
            cases.append({"kind": "optim", "name": name, "opts": opts, "sched": sched, "param": tj(p0),
                          "grads": [tj(g) for g in grads], "result": tj(p)})
    return cases


# ---------------------------------------------------------------- safetensors

ST_DTYPES = {} if torch is None else {torch.float32: ("F32", "<f"), torch.float64: ("F64", "<d"), torch.int64: ("I64", "<q")}


def write_safetensors(path, tensors):
    """A minimal safetensors writer (the format in ../shared/PYTORCH.md)."""
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        code, fmt = ST_DTYPES[t.dtype]
        vals = t.reshape(-1).tolist()
        blob = struct.pack("<%d%s" % (len(vals), fmt[1]), *vals)
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [off, off + len(blob)]}
        blobs.append(blob)
        off += len(blob)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    """A minimal safetensors reader returning torch tensors by name."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dt = {"F32": (torch.float32, "f", 4), "F64": (torch.float64, "d", 8), "I64": (torch.int64, "q", 8)}[e["dtype"]]
        b, end = e["data_offsets"]
        count = (end - b) // dt[2]
        vals = struct.unpack("<%d%s" % (count, dt[1]), data[b:end])
        out[name] = torch.tensor(vals, dtype=dt[0]).reshape(e["shape"])
    return out


def torch_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 3))


def safetensors_case(tmp):
    m = torch_model()
    m.train()
    m(torch.randn(16, 4))  # move the running statistics away from their defaults
    m.eval()
    x = torch.randn(5, 4)
    path = os.path.join(tmp, "torch_model.safetensors")
    write_safetensors(path, m.state_dict())
    return {"kind": "safetensors", "file": path, "input": tj(x), "output": tj(m(x)),
            "save_to": os.path.join(tmp, "gonote_model.safetensors")}, m


def make_cases(tmp, seed=0):
    rng = random.Random(seed)
    torch.manual_seed(seed)
    cases = []
    while len(cases) < 150:
        c = graph_case(rng)
        # Overflowing chains (exp of exp ...) give inf and NaN; JSON has neither.
        vals = c["output"]["data"] + [v for g in c["grads"] if g for v in g["data"]]
        if all(math.isfinite(v) for v in vals):
            cases.append(c)
    cases += layer_cases(rng)
    cases += optim_cases()
    st, model = safetensors_case(tmp)
    cases.append(st)
    return cases, model


@unittest.skipIf(torch is None, "python3-torch is not installed")
class TorchAutogradTest(unittest.TestCase):
    def test_gonote_matches_torch(self):
        with tempfile.TemporaryDirectory() as tmp:
            cases, model = make_cases(tmp, seed=random.randrange(1 << 30))
            path = os.path.join(tmp, "cases.json")
            with open(path, "w") as f:
                json.dump(cases, f)
            env = dict(os.environ, GONOTE_AUTOGRAD_CASES=path)
            r = subprocess.run(["go", "test", "./tensor/nn/", "-run", "TestTorchAutogradCases", "-count=1", "-v"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
            failures = [l for l in r.stdout.splitlines() if "--- FAIL" in l or ".go:" in l or "panic" in l]
            self.assertEqual(r.returncode, 0, "\n".join(failures[:60]) + r.stderr[-3000:])
            # gonote's saved file, read back with the small reader, holds torch's weights.
            saved = read_safetensors(cases[-1]["save_to"])
            sd = model.state_dict()
            self.assertEqual(sorted(saved), sorted(sd))
            for k, v in sd.items():
                self.assertTrue(torch.allclose(saved[k].to(v.dtype), v), k)
            m2 = torch_model()
            m2.load_state_dict({k: saved[k].to(sd[k].dtype) for k in sd})


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        out = sys.argv[2]
        tmp = os.path.join(os.path.dirname(os.path.abspath(out)), "autograd_torch")
        os.makedirs(tmp, exist_ok=True)
        cases, _ = make_cases(tmp, seed=1)
        rel = os.path.relpath(tmp, os.path.dirname(os.path.abspath(out)))
        for c in cases:
            if c["kind"] == "safetensors":
                c["file"] = os.path.join(rel, os.path.basename(c["file"]))
                c["save_to"] = ""
        with open(out, "w") as f:
            json.dump(cases, f, separators=(",", ":"))
    else:
        unittest.main()
