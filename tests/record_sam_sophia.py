"""Record reference trajectories of SAM and SophiaH (optimizers that ask for more than g).

Not a test and not run in CI: it needs PyTorch (CPU), pytorch-optimizer and the authors' SAM
(davda54/sam, one file, not on PyPI). Put them somewhere apart and run, from the repo root:

    pip install --no-deps --target /tmp/refpkgs pytorch_optimizer
    git show 3c3afdbd71cff2462ec91c734b3d1170bd0f3707:sam.py > /tmp/refpkgs/sam.py  # davda54/sam
    PYTHONPATH=/tmp/refpkgs:tests:. python tests/record_sam_sophia.py

SAM: each start is stepped by its own ``sam.SAM`` over torch.optim's SGD or Adam in float64,
with the surface's NumPy gradient (test_optim_reference's closed forms) handed to torch as
``p.grad`` before the first step and by the closure at the probe point; the probe points are
recorded too. SophiaH: each start by its own ``pytorch_optimizer.SophiaH``, the loss written
in torch so that its own Hutchinson code differentiates ``p.grad`` (``create_graph=True``);
``torch.randn_like`` is replaced while recording so that the j-th estimate of every start
uses ``numpy.random.default_rng([seed, j]).standard_normal(2)``, the vector our
``optim.sophia`` draws and shares between all its points (the fixture keeps them). With
``exact_hessian`` the closed-form Hessian diagonal is handed to ``step(hessian=...)`` at the
estimate steps instead.
"""

import importlib.metadata
import json
import platform
from pathlib import Path

import numpy as np
import pytorch_optimizer
import sam as authors_sam
import torch
from test_optim_reference import SURFACES  # the surfaces and starts the tests use

STEPS = 100
FIXTURE = Path(__file__).parent / "fixtures" / "sam_sophia.json"
SAM_COMMIT = "3c3afdbd71cff2462ec91c734b3d1170bd0f3707"  # davda54/sam, the sam.py recorded with
A = torch.tensor([[3.0, 1.2], [1.2, 1.0]], dtype=torch.float64)
B = torch.tensor([1.0, -0.5], dtype=torch.float64)

# (our optimizer, surface, our keyword arguments); betas are lists here (JSON)
CASES = [
    ("sam_sgd", "quadratic", {"lr": 0.03, "rho": 0.05}),
    ("sam_sgd", "quadratic", {"lr": 0.02, "momentum": 0.9, "rho": 0.2, "weight_decay": 0.05}),
    ("sam_sgd", "quadratic", {"lr": 0.05, "momentum": 0.5, "nesterov": True, "rho": 0.5,
                              "adaptive": True}),
    ("sam_sgd", "rosenbrock", {"lr": 5e-4, "momentum": 0.9, "rho": 0.02}),
    ("sam_adam", "quadratic", {"lr": 0.05, "rho": 0.05}),
    ("sam_adam", "quadratic", {"lr": 0.02, "betas": [0.8, 0.99], "rho": 0.3, "adaptive": True,
                               "weight_decay": 0.05}),
    ("sam_adam", "rosenbrock", {"lr": 0.01, "rho": 0.01}),
    ("sophia", "quadratic", {"lr": 0.1, "rho": 1.0}),
    ("sophia", "quadratic", {"lr": 0.5, "rho": 0.5, "betas": [0.9, 0.9], "update_period": 1}),
    ("sophia", "quadratic", {"lr": 0.2, "rho": 1.0, "weight_decay": 0.1, "decouple": False,
                             "update_period": 3, "seed": 7}),
    ("sophia", "quadratic", {"lr": 0.2, "rho": 1.0, "weight_decay": 0.05, "update_period": 2,
                             "eps": 1e-6}),
    ("sophia", "rosenbrock", {"lr": 0.05, "rho": 0.1, "betas": [0.9, 0.99], "update_period": 5}),
    ("sophia", "quadratic", {"lr": 0.5, "rho": 1.0, "update_period": 1, "exact_hessian": True}),
    ("sophia", "rosenbrock", {"lr": 0.1, "rho": 0.2, "update_period": 4, "exact_hessian": True,
                              "betas": [0.9, 0.95]}),
]  # fmt: skip
REFERENCES = {
    "sam_sgd": "sam:SAM over torch.optim.SGD",
    "sam_adam": "sam:SAM over torch.optim.Adam",
    "sophia": "pytorch_optimizer:SophiaH",
}
NOTES = {
    "sam": f"davda54/sam at {SAM_COMMIT} (the authors' PyTorch port); pytorch-optimizer's SAM"
    " is not used: it sums the squared gradient norm in float32",
    "sophia": "pytorch-optimizer's SophiaH, one Gaussian sample per estimate; 'vectors' are"
    " the z of each estimate, (estimates, 2), the same for every start; our rho is its p",
}


def torch_loss(surface: str, p: torch.Tensor) -> torch.Tensor:
    if surface == "quadratic":
        return 0.5 * p @ A @ p - B @ p
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def hessian_diagonal(surface: str, x: np.ndarray) -> np.ndarray:
    if surface == "quadratic":
        return np.diag(A.numpy()).copy()
    return np.array([2 - 400 * (x[1] - x[0] ** 2) + 800 * x[0] ** 2, 200.0])


def sam_path(name, kwargs, grad_fn, start):
    """Points and probes of the authors' SAM from ``start`` (start included in the points)."""
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    base = torch.optim.SGD if name == "sam_sgd" else torch.optim.Adam
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = authors_sam.SAM([p], base, **kwargs)
    path, probes = [p.detach().numpy().copy()], []

    def closure():  # called by step() at the probe point
        probes.append(p.detach().numpy().copy())
        p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy()))

    for _ in range(STEPS):
        p.grad = torch.from_numpy(grad_fn(p.detach().numpy().copy()))
        opt.step(closure)
        path.append(p.detach().numpy().copy())
    return path, probes


def sophia_kwargs(kwargs):
    theirs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    theirs["p"] = theirs.pop("rho")
    if "decouple" in theirs:
        theirs["weight_decouple"] = theirs.pop("decouple")
    theirs.pop("seed", None)
    return theirs


def sophia_path(kwargs, surface, start, vectors):
    """Points of SophiaH from ``start``; ``vectors`` (estimates, 2) are its Hutchinson z's."""
    exact = kwargs.get("exact_hessian", False)
    theirs = {k: v for k, v in sophia_kwargs(kwargs).items() if k != "exact_hessian"}
    period = theirs.get("update_period", 10)
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = pytorch_optimizer.SophiaH([p], **theirs)
    queue = [] if exact else [torch.from_numpy(z.copy()) for z in vectors]
    torch.randn_like = lambda like: queue.pop(0)
    path = [p.detach().numpy().copy()]
    for t in range(1, STEPS + 1):
        opt.zero_grad()
        torch_loss(surface, p).backward(create_graph=not exact)
        estimate_now = (t - 1) % period == 0
        if exact and estimate_now:
            diagonal = hessian_diagonal(surface, p.detach().numpy())
            opt.step(hessian=[torch.from_numpy(diagonal)])
        else:
            opt.step()
        assert len(queue) == (0 if exact else len(vectors) - 1 - (t - 1) // period)
        path.append(p.detach().numpy().copy())
    return path


def record(name, surface, ours):
    grad_fn, starts = SURFACES[surface]
    case = {"optimizer": name, "kwargs": ours, "reference": REFERENCES[name], "surface": surface}
    case["starts"] = starts.tolist()
    if name == "sophia":
        estimates = -(-STEPS // ours.get("update_period", 10))
        rngs = (np.random.default_rng([ours.get("seed", 0), j]) for j in range(estimates))
        vectors = np.array([rng.standard_normal(starts.shape[-1]) for rng in rngs])
        case["reference_kwargs"] = sophia_kwargs(ours)
        paths = [sophia_path(ours, surface, start, vectors) for start in starts]
        if not ours.get("exact_hessian", False):
            case["vectors"] = vectors.tolist()
    else:
        runs = [sam_path(name, ours, grad_fn, s) for s in starts]
        paths, probes = zip(*runs, strict=True)
        case["probes"] = np.array(probes).tolist()
    case["paths"] = np.array(paths).tolist()
    return case


def versions():
    found = {name: importlib.metadata.version(name) for name in ("torch", "pytorch_optimizer")}
    found["sam"] = SAM_COMMIT
    return found | {"python": platform.python_version(), "numpy": np.__version__}


def main():
    torch.set_default_dtype(torch.float64)
    cases = [record(name, surface, ours) for name, surface, ours in CASES]
    fixture = {"steps": STEPS, "dtype": "float64", "versions": versions(), "notes": NOTES}
    fixture["cases"] = cases
    head = json.dumps({k: v for k, v in fixture.items() if k != "cases"}, indent=1)[:-2]
    lines = ",\n".join(json.dumps(case) for case in cases)  # one line per case
    FIXTURE.write_text(f'{head},\n "cases": [\n{lines}\n ]\n}}\n')
    print(f"wrote {len(cases)} cases to {FIXTURE}")


if __name__ == "__main__":
    main()
