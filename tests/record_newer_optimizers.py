"""Record reference trajectories of the newer optimizers from their reference packages.

Not a test and not run in CI: it needs PyTorch (CPU) and the reference packages, which are
not requirements of this project. Install them somewhere apart and run, from the repo root:

    pip install --no-deps --target /tmp/refpkgs pytorch_optimizer schedulefree prodigyopt
    PYTHONPATH=/tmp/refpkgs:. python tests/record_newer_optimizers.py [SET]

SET names a set of cases and the fixture it writes (``FIXTURES``; ``newer``, the default,
writes newer_optimizers.json; ``adan_lamb_lars`` writes adan_lamb_lars.json).

Each case steps every start point with its own reference optimizer over one float64 tensor
of shape (2,), with the gradient of the surface computed in NumPy (test_optim_reference's
closed forms) and handed to torch as ``p.grad``. The fixture keeps the package versions, the
settings on both sides, notes on which reference was used and the whole paths (start included).
"""

import importlib
import importlib.metadata
import json
import platform
import sys
from pathlib import Path

import numpy as np
import torch
from test_optim_reference import SURFACES  # the surfaces and starts the tests use

STEPS = 100
FIXTURE = Path(__file__).parent / "fixtures" / "newer_optimizers.json"

# (our optimizer, surface, our keyword arguments); betas are lists here (JSON), the test turns
# them into tuples. ``reference_kwargs`` translates them for the reference class.
CASES = [
    ("adopt", "quadratic", {"lr": 0.05}),
    ("adopt", "quadratic", {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-3, "weight_decay": 0.05}),
    (
        "adopt",
        "quadratic",
        {"lr": 0.02, "betas": [0.9, 0.999], "weight_decay": 0.1, "decouple": True},
    ),
    ("adopt", "rosenbrock", {"lr": 0.002}),
    ("adopt", "quadratic", {"lr": 0.05, "clip": False}),
    ("sgd_schedule_free", "quadratic", {"lr": 0.2}),
    (
        "sgd_schedule_free",
        "quadratic",
        {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.05, "warmup_steps": 10, "r": 1.0},
    ),
    ("sgd_schedule_free", "rosenbrock", {"lr": 5e-4, "weight_lr_power": 1.0}),
    ("adamw_schedule_free", "quadratic", {"lr": 0.1}),
    (
        "adamw_schedule_free",
        "quadratic",
        {"lr": 0.05, "betas": [0.8, 0.99], "weight_decay": 0.1, "warmup_steps": 20, "r": 0.5},
    ),
    ("adamw_schedule_free", "rosenbrock", {"lr": 0.01, "eps": 1e-6}),
    ("prodigy", "quadratic", {}),
    (
        "prodigy",
        "quadratic",
        {"lr": 0.2, "weight_decay": 0.05, "use_bias_correction": True, "d0": 1e-4},
    ),
    (
        "prodigy",
        "quadratic",
        {
            "lr": 0.5,
            "weight_decay": 0.1,
            "decouple": False,
            "safeguard_warmup": True,
            "beta3": 0.95,
            "growth_rate": 2.0,
            "d_coef": 0.5,
        },
    ),
    ("prodigy", "quadratic", {"lr": 0.3, "betas": [0.0, 0.99]}),
    ("prodigy", "rosenbrock", {"lr": 0.05}),
    ("ademamix", "quadratic", {"lr": 0.05, "beta3": 0.99}),
    ("ademamix", "quadratic", {"lr": 0.02, "beta3": 0.999, "t_alpha_beta3": 60.0, "alpha": 8.0}),
    (
        "ademamix",
        "quadratic",
        {"lr": 0.05, "betas": [0.8, 0.99], "weight_decay": 0.05, "decouple": True, "eps": 1e-4},
    ),
    ("ademamix", "quadratic", {"lr": 0.03, "weight_decay": 0.1, "t_alpha_beta3": 30.0}),
    ("ademamix", "rosenbrock", {"lr": 0.002, "beta3": 0.995, "t_alpha_beta3": 50.0}),
    ("lookahead", "quadratic", {"k": 5, "alpha": 0.5, "inner": ["adam", {"lr": 0.1}]}),
    (
        "lookahead",
        "quadratic",
        {"k": 3, "alpha": 0.8, "inner": ["sgd", {"lr": 0.05, "momentum": 0.9}]},
    ),
    (
        "lookahead",
        "rosenbrock",
        {"k": 7, "alpha": 0.3, "inner": ["sgd", {"lr": 5e-4, "momentum": 0.9, "nesterov": True}]},
    ),
    ("lookahead", "rosenbrock", {"k": 10, "alpha": 0.5, "inner": ["adam", {"lr": 0.01}]}),
    ("adabelief", "quadratic", {"lr": 0.05}),
    (
        "adabelief",
        "quadratic",
        {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-8, "weight_decay": 0.1},
    ),
    ("adabelief", "quadratic", {"lr": 0.03, "weight_decay": 0.05, "decouple": False}),
    ("adabelief", "rosenbrock", {"lr": 0.002, "eps": 1e-12}),
    ("yogi", "quadratic", {"lr": 0.1}),
    ("yogi", "quadratic", {"lr": 0.05, "betas": [0.8, 0.99], "initial_accumulator": 0.01}),
    ("yogi", "quadratic", {"lr": 0.05, "weight_decay": 0.05, "decouple": False, "eps": 1e-6}),
    ("yogi", "rosenbrock", {"lr": 0.005, "weight_decay": 0.01}),
    ("signum", "quadratic", {"lr": 0.02}),
    ("signum", "quadratic", {"lr": 0.01, "momentum": 0.0, "weight_decay": 0.1}),
    ("signum", "quadratic", {"lr": 0.015, "momentum": 0.5, "weight_decay": 0.2, "decouple": False}),
    ("signum", "rosenbrock", {"lr": 0.003, "momentum": 0.8}),
]
ADAN_LAMB_LARS_CASES = [
    ("adan", "quadratic", {"lr": 0.05}),
    ("adan", "quadratic", {"lr": 0.02, "betas": [0.9, 0.8], "beta3": 0.999, "eps": 1e-6}),
    ("adan", "quadratic", {"lr": 0.05, "weight_decay": 0.1}),  # proximal decay (its default)
    ("adan", "quadratic", {"lr": 0.03, "weight_decay": 0.05, "decouple": True}),
    ("adan", "rosenbrock", {"lr": 0.002}),
    ("lamb", "quadratic", {"lr": 0.02}),
    ("lamb", "quadratic", {"lr": 0.005, "betas": [0.8, 0.99], "weight_decay": 0.1}),
    ("lamb", "quadratic", {"lr": 0.01, "weight_decay": 0.05, "decouple": False, "eps": 1e-8}),
    ("lamb", "quadratic", {"lr": 0.03, "bias_correction": False, "clamp": 1.5}),
    ("lamb", "quadratic", {"lr": 0.01, "grad_averaging": False}),
    ("lamb", "rosenbrock", {"lr": 0.002}),
    ("lars", "quadratic", {"lr": 0.3, "trust_coefficient": 0.02}),
    (
        "lars",
        "quadratic",
        {"lr": 0.2, "trust_coefficient": 0.05, "weight_decay": 0.1, "dampening": 0.3},
    ),
    ("lars", "quadratic", {"lr": 0.2, "trust_coefficient": 0.02, "nesterov": True}),
    ("lars", "quadratic", {"lr": 0.1, "trust_coefficient": 0.1, "momentum": 0.0}),
    ("lars", "rosenbrock", {"lr": 0.05, "trust_coefficient": 0.01}),
]
FIXTURES = {  # set name -> its cases and the fixture they are written to
    "newer": (CASES, "newer_optimizers.json"),
    "adan_lamb_lars": (ADAN_LAMB_LARS_CASES, "adan_lamb_lars.json"),
}
REFERENCES = {
    "adopt": "pytorch_optimizer:ADOPT",
    "sgd_schedule_free": "schedulefree:SGDScheduleFreeReference",
    "adamw_schedule_free": "schedulefree:AdamWScheduleFreeReference",
    "prodigy": "prodigyopt:Prodigy",
    "ademamix": "pytorch_optimizer:AdEMAMix",
    "lookahead": "pytorch_optimizer:Lookahead",
    "adabelief": "pytorch_optimizer:AdaBelief",
    "yogi": "pytorch_optimizer:Yogi",
    "signum": "pytorch_optimizer:SignSGD",
    "adan": "pytorch_optimizer:Adan",
    "lamb": "pytorch_optimizer:Lamb",
    "lars": "pytorch_optimizer:LARS",
}
# LARS leaves parameters of fewer than two axes to plain SGD: each start is a (1, 2) tensor
# there, one 2-vector of weights with one trust ratio (paths are stored flat, as (2,) points).
SHAPES = {"lars": (1, 2)}
ATTRIBUTES = ("clamp",)  # set on the reference optimizer after it is built (Lamb.clamp)

TORCH_INNER = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def reference_kwargs(name, kwargs):
    """Our keyword arguments as the reference class spells them."""
    theirs = dict(kwargs)
    decoupling = ("adopt", "ademamix", "adabelief", "yogi", "signum", "adan", "lamb")
    if name in decoupling and "decouple" in theirs:
        theirs["weight_decouple"] = theirs.pop("decouple")
    if name == "adopt" and theirs.pop("clip", True) is False:
        theirs["clip_lambda"] = None
    if name == "ademamix":  # β₃ is betas[2] there; no warm-up is None
        theirs["betas"] = [*theirs.get("betas", [0.9, 0.999]), theirs.pop("beta3", 0.9999)]
        theirs["t_alpha_beta3"] = theirs.pop("t_alpha_beta3", 0.0) or None
    if name == "adan":  # β₃ is betas[2] there
        theirs["betas"] = [*theirs.get("betas", [0.98, 0.92]), theirs.pop("beta3", 0.99)]
    if name == "lamb" and "bias_correction" in theirs:
        theirs["adam_debias"] = not theirs.pop("bias_correction")
    return theirs


NOTES = {
    "adopt": "pytorch-optimizer's ADOPT: the pip package named 'adopt' is unrelated (Azure DevOps"
    " tools), so not the authors' code; its clip is t^0.25 with t counting the first call",
    "schedule_free": "the reference classes in train mode: 'paths' are p = y, where gradients"
    " are taken; 'averages' are the state's x (what eval mode reports), start included",
    "prodigy": "prodigyopt's Prodigy, one optimizer (so one d) per start point",
    "ademamix": "pytorch-optimizer's AdEMAMix (the authors' code is not on PyPI); betas[2] is"
    " our beta3, t_alpha_beta3 None is our 0",
    "lookahead": "pytorch-optimizer's Lookahead (pullback_momentum 'none') over torch.optim's"
    " SGD or Adam; 'inner' is [optimizer, keyword arguments], the same on both sides",
    "adan": "pytorch-optimizer's Adan (max_grad_norm 0: no clipping); betas[2] is our beta3;"
    " its default weight decay is the paper's proximal shrink θ/(1 + αλ)",
    "lamb": "pytorch-optimizer's Lamb, not rectified, no pre-norm; our bias_correction False is"
    " its adam_debias True; clamp (the cap on ‖θ‖, 10 by default) is set on the optimizer",
    "lars": "pytorch-optimizer's LARS on a (1, 2) tensor per start: it applies the trust ratio"
    " only to parameters of two or more axes (a (2,) vector would take plain SGD)",
}


def reference_class(path: str):
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def reference_path(cls, kwargs, grad_fn, start, shape=(2,)):
    """The points a reference optimizer visits from ``start`` (start included), and for
    schedule-free the averages x after each step (None otherwise). The parameter has
    ``shape`` there (its two numbers in order); the points come back as (2,) arrays."""
    kwargs = {k: tuple(v) if isinstance(v, list) and k != "inner" else v for k, v in kwargs.items()}
    attributes = {k: kwargs.pop(k) for k in ATTRIBUTES if k in kwargs}
    p = torch.tensor(np.reshape(start, shape), dtype=torch.float64, requires_grad=True)
    if "inner" in kwargs:  # a wrapper: the inner optimizer is torch.optim's
        name, inner = kwargs.pop("inner")
        inner = {k: tuple(v) if isinstance(v, list) else v for k, v in inner.items()}
        opt = cls(TORCH_INNER[name]([p], **inner), **kwargs)
    else:
        opt = cls([p], **kwargs)
    for key, value in attributes.items():
        setattr(opt, key, value)
    if cls.__module__.startswith("schedulefree"):  # gradients are taken in train mode
        opt.train()
    path, averages = [p.detach().numpy().ravel().copy()], [p.detach().numpy().copy()]
    for _ in range(STEPS):
        p.grad = torch.from_numpy(grad_fn(p.detach().numpy().ravel().copy()).reshape(shape))
        opt.step()
        path.append(p.detach().numpy().ravel().copy())
        averages.append(opt.state[p].get("x", p).detach().numpy().copy())
    return np.array(path).tolist(), np.array(averages).tolist() if "x" in opt.state[p] else None


def versions():
    names = ["torch", "pytorch_optimizer", "schedulefree", "prodigyopt"]
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            continue
    return found | {"python": platform.python_version(), "numpy": np.__version__}


def main(set_name="newer"):
    torch.set_default_dtype(torch.float64)
    chosen, fixture_name = FIXTURES[set_name]
    cases = []
    for name, surface, ours in chosen:
        reference, theirs = REFERENCES[name], reference_kwargs(name, ours)
        grad_fn, starts = SURFACES[surface]
        starts = starts.tolist()
        cls = reference_class(reference)
        paths, averages = zip(
            *(
                reference_path(cls, theirs, grad_fn, start, SHAPES.get(name, (2,)))
                for start in starts
            ),
            strict=True,
        )
        cases.append(
            {
                "optimizer": name,
                "kwargs": ours,
                "reference": reference,
                "reference_kwargs": theirs,
                "surface": surface,
                "starts": starts,
                "paths": list(paths),
            }
            | ({"averages": list(averages)} if averages[0] is not None else {})
            | ({"reference_shape": list(SHAPES[name])} if name in SHAPES else {})
        )
    fixture = {"steps": STEPS, "dtype": "float64", "versions": versions(), "notes": NOTES}
    fixture["cases"] = cases
    head = json.dumps({k: v for k, v in fixture.items() if k != "cases"}, indent=1)[:-2]
    lines = ",\n".join(json.dumps(case) for case in cases)  # one line per case
    path = FIXTURE.parent / fixture_name
    path.write_text(f'{head},\n "cases": [\n{lines}\n ]\n}}\n')
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
