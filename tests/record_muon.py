"""Record Muon's reference trajectories from Keller Jordan's own package, in float64.

Not a test and not run in CI: it needs PyTorch (CPU) and muon-optimizer (his package on PyPI,
``muon.py`` of github.com/KellerJordan/Muon), which are not requirements of this project.
Install them somewhere apart and run, from the repo root:

    pip install --no-deps --target /tmp/refpkgs muon-optimizer==0.1.0
    PYTHONPATH=/tmp/refpkgs:.:tests python tests/record_muon.py

His Newton–Schulz iteration casts to bfloat16 (``G.bfloat16()``, for GPUs). While recording,
``torch.Tensor.bfloat16`` is made the identity, so his code runs unchanged in float64 on the
CPU; nothing of his is copied or otherwise altered. Three kinds of case:

* ``points``: ``SingleDeviceMuon`` stepping each start of a 2-D surface as its own parameter
  of shape (1, 2), a 1×2 matrix (our ``muon`` on (n, 2) points);
* ``matrices``: the same on matrices of shape 5×3 (tall: transposed, scaled by √(5/3)) and 3×5,
  with J(W) = ½‖AW − C‖²_F, each start its own parameter (ours: all starts as one batch);
* ``network``: ``SingleDeviceMuonWithAuxAdam`` training lab.MLP (tanh) on stored points, full
  batch, with the gradient from lab's backprop: Muon on the hidden weight matrices (as torch's
  fan_out × fan_in, the transpose of lab's W), Adam on the rest (our ``muon_adamw``).

The reference optimizer class always uses Nesterov momentum and five steps; the cases with
``nesterov`` or ``ns_steps`` set call it with his ``muon_update``'s own keywords of those names
(its module-level function, which the class calls, given other defaults while recording).
"""

import contextlib
import functools
import importlib.metadata
import json
import platform
from pathlib import Path

import muon as reference
import numpy as np
import torch
from test_optim_reference import SURFACES  # the surfaces and starts the tests use

import lab

STEPS = 60
NETWORK_STEPS = 40
FIXTURE = Path(__file__).parent / "fixtures" / "muon.json"

POINT_CASES = [
    ("quadratic", {"lr": 0.05}),
    ("quadratic", {"lr": 0.02, "momentum": 0.9, "weight_decay": 0.1}),
    ("rosenbrock", {"lr": 0.01}),
    ("quadratic", {"lr": 0.05, "nesterov": False, "ns_steps": 3}),
]
MATRIX_CASES = [
    ((5, 3), {"lr": 0.05}),
    ((3, 5), {"lr": 0.05, "weight_decay": 0.1}),
    ((5, 3), {"lr": 0.03, "momentum": 0.8, "nesterov": False, "ns_steps": 7}),
]
NETWORK_CASES = [
    {"lr": 0.02, "adam_lr": 0.003},
    {"lr": 0.05, "momentum": 0.9, "adam_lr": 0.01, "betas": [0.8, 0.99], "weight_decay": 0.1},
]
HIDDEN, ACTIVATION = (6, 8, 5), "tanh"


@contextlib.contextmanager
def float64_reference(nesterov=True, ns_steps=5):
    """His module as it is, except that bfloat16 is the identity and ``muon_update`` has the
    given ``nesterov`` and ``ns_steps`` as its defaults."""
    cast, update = torch.Tensor.bfloat16, reference.muon_update
    torch.Tensor.bfloat16 = lambda self, *args, **kwargs: self
    reference.muon_update = functools.partial(update, nesterov=nesterov, ns_steps=ns_steps)
    try:
        yield
    finally:
        torch.Tensor.bfloat16, reference.muon_update = cast, update


def muon_path(grad_fn, start, kwargs):
    """The points ``SingleDeviceMuon`` visits from ``start`` (an array), start included."""
    p = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
    options = {k: kwargs[k] for k in ("lr", "momentum", "weight_decay") if k in kwargs}
    opt = reference.SingleDeviceMuon([p], **options)
    path = [p.detach().numpy().copy()]
    with float64_reference(kwargs.get("nesterov", True), kwargs.get("ns_steps", 5)):
        for _ in range(STEPS):
            p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy()))
            opt.step()
            path.append(p.detach().numpy().copy())
    return np.array(path)


def point_case(surface, kwargs):
    grad_fn, starts = SURFACES[surface]
    one_by_two = [muon_path(grad_fn, start[None, :], kwargs)[:, 0, :] for start in starts]
    return {"kind": "points", "surface": surface, "kwargs": kwargs, "starts": starts.tolist(),
            "paths": [path.tolist() for path in one_by_two]}  # fmt: skip


def matrix_case(index, shape, kwargs):
    rng = np.random.default_rng(index)
    a, c = rng.normal(size=(7, shape[0])), rng.normal(size=(7, shape[1]))
    starts = rng.normal(size=(3, *shape))
    paths = [muon_path(lambda w: a.T @ (a @ w - c), start, kwargs) for start in starts]
    arrays = {"a": a, "c": c, "starts": starts, "paths": np.array(paths)}
    return {"kind": "matrices", "shape": list(shape), "kwargs": kwargs} | {
        name: array.tolist() for name, array in arrays.items()
    }


def network_groups(network, theta, kwargs):
    """torch tensors for the network's W (as fan_out × fan_in) and b, and his param groups."""
    tensors = []
    for w, b in network.unflatten(theta.copy()):
        tensors += [torch.nn.Parameter(torch.from_numpy(w.T.copy())),
                    torch.nn.Parameter(torch.from_numpy(b.copy()))]  # fmt: skip
    hidden = [tensors[2 * i] for i in range(1, len(network.layers) - 1)]
    rest = [t for t in tensors if all(t is not h for h in hidden)]
    muon_options = {k: kwargs[k] for k in ("lr", "momentum", "weight_decay") if k in kwargs}
    adam_options = {"lr": kwargs["adam_lr"], "weight_decay": kwargs.get("weight_decay", 0.0)}
    adam_options |= {"betas": tuple(kwargs["betas"])} if "betas" in kwargs else {}
    groups = [dict(params=hidden, use_muon=True, **muon_options),
              dict(params=rest, use_muon=False, **adam_options)]  # fmt: skip
    return tensors, groups


def network_case(index, kwargs):
    network = lab.MLP(HIDDEN, ACTIVATION)
    rng = np.random.default_rng(100 + index)
    x = rng.normal(size=(48, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    theta = network.init(index)
    tensors, groups = network_groups(network, theta, kwargs)
    opt = reference.SingleDeviceMuonWithAuxAdam(groups)

    def flat():
        parts = [t.detach().numpy() for t in tensors]
        return np.concatenate([(p.T if p.ndim == 2 else p).ravel() for p in parts])

    path = [flat()]
    with float64_reference():
        for _ in range(NETWORK_STEPS):
            grad = network.loss_and_grad(flat(), x, y)[1]
            pairs = zip(tensors[::2], tensors[1::2], strict=True)
            for (w, b), (tw, tb) in zip(network.unflatten(grad), pairs, strict=True):
                tw.grad, tb.grad = torch.from_numpy(w.T.copy()), torch.from_numpy(b.copy())
            opt.step()
            path.append(flat())
    return {"kind": "network", "hidden": list(HIDDEN), "activation": ACTIVATION,
            "kwargs": kwargs, "seed": index, "x": x.tolist(), "y": y.tolist(),
            "path": np.array(path).tolist()}  # fmt: skip


def versions():
    found = {name: importlib.metadata.version(name) for name in ("torch", "muon-optimizer")}
    return found | {"python": platform.python_version(), "numpy": np.__version__}


def main():
    torch.set_default_dtype(torch.float64)
    cases = [point_case(surface, kwargs) for surface, kwargs in POINT_CASES]
    cases += [matrix_case(i, shape, kwargs) for i, (shape, kwargs) in enumerate(MATRIX_CASES)]
    cases += [network_case(i, kwargs) for i, kwargs in enumerate(NETWORK_CASES)]
    fixture = {
        "steps": STEPS,
        "network_steps": NETWORK_STEPS,
        "dtype": "float64",
        "versions": versions(),
        "reference": "muon-optimizer 0.1.0 (muon.py): SingleDeviceMuon and"
        " SingleDeviceMuonWithAuxAdam, with torch.Tensor.bfloat16 the identity (float64)",
    }
    head = json.dumps(fixture, indent=1)[:-2]
    lines = ",\n".join(json.dumps(case) for case in cases)  # one line per case
    FIXTURE.write_text(f'{head},\n "cases": [\n{lines}\n ]\n}}\n')
    print(f"wrote {len(cases)} cases to {FIXTURE}")


if __name__ == "__main__":
    main()
