"""Cached calls into the engine, keyed by small hashable specs (every input passed explicitly).

Use::

    surface = get_surface(SurfaceSpec("rosenbrock"))                 # or a typed expression
    run = RunSpec("adam", (("lr", 0.05),), "#e4572e", "Adam α=0.05")
    trajectory = compute_trajectory(surface_spec, run, settings)    # viz.trajectory.Trajectory

``Settings`` holds what every run shares: start point, steps, gradient noise σ and its
seed, clipping, learning-rate schedule. A run is ``chain(add_noise, clip, optimizer)``, so
all runs see the same noise sequence and the same clipping rule.

Surfaces are built once per spec (``st.cache_resource``: immutable objects holding compiled
functions); trajectories and backgrounds are ``st.cache_data`` with ``max_entries``, keyed by
Streamlit's hash of the frozen specs (about 0.5 ms a call).

Typed functions are the one exception to Streamlit's caches: their keys are unbounded (any
text), and Streamlit keeps a compute lock and its key for every key a cache has ever seen,
evicted or not (``Cache._value_locks``), so each distinct typed function used to leave 8 keys
behind for good. A call whose arguments hold a typed ``SurfaceSpec`` goes to a bounded LRU of
our own instead (``TypedMemo``: same keys, same sizes, values pickled as ``st.cache_data``
does), and the surface itself comes from ``surfaces.parse``'s own bounded cache: a typed
function costs no Streamlit cache key at all, and a refused one none either.
"""

from __future__ import annotations

import functools
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import streamlit as st

import optim
import surfaces
from viz.background import Background, surface_background
from viz.trajectory import Trajectory

Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class SurfaceSpec:
    """A registry surface with parameter values, or a typed expression on a domain."""

    name: str
    params: tuple[tuple[str, float], ...] = ()
    expression: str = ""
    domain: Domain | None = None


@dataclass(frozen=True)
class RunSpec:
    """One run: an optimizer from ``optim.OPTIMIZERS`` with flat hyperparameter values."""

    optimizer: str
    values: tuple[tuple[str, float | bool], ...]
    color: str
    label: str


@dataclass(frozen=True)
class Settings:
    start: tuple[float, float]
    steps: int = 300
    noise: float = 0.0
    seed: int = 0
    clip: str = "none"  # "none" | "value" | "norm"
    clip_at: float = 1.0
    schedule: str = "constant"
    schedule_params: tuple[tuple[str, float], ...] = ()


class TypedMemo:
    """A thread-safe LRU of at most ``max_entries`` values by key, forgetting evicted keys
    entirely. ``copies``: values are kept pickled and every call gets its own copy (as from
    ``st.cache_data``); otherwise the object itself is shared (as from ``st.cache_resource``)."""

    def __init__(self, max_entries: int, copies: bool):
        self.max_entries, self.copies = max_entries, copies
        self._values: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, compute):
        with self._lock:
            found = key in self._values
            if found:
                self._values.move_to_end(key)
                stored = self._values[key]
        if not found:  # computed outside the lock: two sessions may compute it both, once
            value = compute()
            stored = pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if self.copies else value
            with self._lock:
                self._values[key] = stored
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
        return pickle.loads(stored) if self.copies else stored

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


def is_typed(args: tuple) -> bool:
    """Whether a call is about a typed function (its first argument a typed SurfaceSpec)."""
    return bool(args) and isinstance(args[0], SurfaceSpec) and bool(args[0].expression)


def cached(max_entries: int, *, resource: bool = False):
    """``st.cache_data`` (or ``st.cache_resource``) of the function, bounded to
    ``max_entries``, except that calls about a typed function go to a ``TypedMemo`` of the
    same size (see the module docstring)."""
    cache = st.cache_resource if resource else st.cache_data

    def decorate(fn):
        streamlit_cached = cache(max_entries=max_entries, show_spinner=False)(fn)
        typed = TypedMemo(max_entries, copies=not resource)

        @functools.wraps(fn)
        def call(*args):
            if is_typed(args):
                return typed.get(repr(args), lambda: fn(*args))
            return streamlit_cached(*args)

        def clear():
            streamlit_cached.clear()
            typed.clear()

        call.clear, call.typed = clear, typed
        return call

    return decorate


@cached(max_entries=32, resource=True)
def _registry_surface(spec: SurfaceSpec):
    surface = surfaces.SURFACES[spec.name]
    if spec.params:
        surface = surface.with_params(**dict(spec.params))
    if spec.domain is not None:
        surface = surface.with_domain(spec.domain)
    return surface


def get_surface(spec: SurfaceSpec):
    """The Surface for ``spec`` (``surfaces.ExpressionError`` for a bad expression); a typed
    one from ``surfaces.parse``, which keeps the 64 most recent itself."""
    if spec.expression:
        return surfaces.parse(spec.expression, domain=spec.domain)
    return _registry_surface(spec)


@cached(max_entries=16)
def get_background(spec: SurfaceSpec, resolution: int, line_resolution: int) -> Background:
    return surface_background(get_surface(spec), resolution, line_resolution)


SCHEDULES = {
    "constant": "constant α",
    "step": "step decay (×γ every k steps)",
    "exponential": "exponential decay (×γ per step)",
    "cosine": "cosine decay to 0 over the run",
    "warmup_cosine": "linear warm-up, then cosine decay",
}


def learning_rate(lr: float, settings: Settings):
    """The run's α as a float or an ``optim`` schedule starting (or peaking) at α."""
    params = dict(settings.schedule_params)
    if settings.schedule == "step":
        return optim.step_schedule(lr, int(params.get("every", 100)), params.get("gamma", 0.5))
    if settings.schedule == "exponential":
        return optim.exponential_schedule(lr, params.get("gamma", 0.99))
    if settings.schedule == "cosine":
        return optim.cosine_schedule(lr, max(settings.steps, 1))
    if settings.schedule == "warmup_cosine":
        warmup = int(params.get("warmup", 50))
        return optim.warmup_cosine_schedule(lr, warmup, max(settings.steps - warmup, 1))
    return lr


def gradient_transforms(settings: Settings) -> list:
    """The run's noise and clipping, in the order they act on each gradient."""
    parts = []
    if settings.noise > 0:
        parts.append(optim.add_noise(settings.noise, settings.seed))
    if settings.clip == "value":
        parts.append(optim.clip_by_value(settings.clip_at))
    elif settings.clip == "norm":
        parts.append(optim.clip_by_norm(settings.clip_at))
    return parts


def build_optimizer(run: RunSpec, settings: Settings):
    """``chain(noise, clipping, optimizer)`` for one run (ValueError on a bad value)."""
    values = dict(run.values)
    if "lr" in values:
        values["lr"] = learning_rate(values["lr"], settings)
    optimizer = optim.OPTIMIZERS[run.optimizer].build(**values)
    return optim.chain(*gradient_transforms(settings), optimizer)


def extras(surface, settings: Settings) -> dict:
    """What ``optim.run`` hands an optimizer that asks for more than the gradient: the
    surface's exact ``hvp`` and ``hessian_diagonal``, and its gradient anywhere (SAM's probe)
    with the run's noise and clipping (``optim.through``: the k-th probe gets the k-th step's
    ξ)."""
    parts = gradient_transforms(settings)
    asked = optim.through(optim.chain(*parts), surface.grad) if parts else surface.grad
    exact = {"hvp_fn": surface.hvp, "hessian_diagonal_fn": surface.hessian_diagonal}
    return exact | {"asked_grad_fn": asked}


@cached(max_entries=64)
def compute_internals(surface_spec: SurfaceSpec, run: RunSpec, settings: Settings) -> dict:
    """What the run's optimizer keeps besides its path (``optim.trace_internals``: Schedule-
    Free's z and x, Lookahead's slow weights, SAM's probe, Prodigy's d) at steps 0..T."""
    surface = get_surface(surface_spec)
    traced = optim.trace_internals(
        build_optimizer(run, settings),
        surface.grad,
        np.array([settings.start], dtype=float),
        settings.steps,
        **extras(surface, settings),  # for an optimizer that asks for them (SAM, Sophia)
    )
    return {name: values[:, 0] for name, values in traced.items()}


@cached(max_entries=256)
def compute_trajectory(surface_spec: SurfaceSpec, run: RunSpec, settings: Settings) -> Trajectory:
    """Run one optimizer from the start point; the path and losses as a ``Trajectory``."""
    surface = get_surface(surface_spec)
    result = optim.run(
        build_optimizer(run, settings),
        surface.grad,
        np.array([settings.start], dtype=float),
        settings.steps,
        value_fn=surface,
        **extras(surface, settings),  # for an optimizer that asks for them (SAM, Sophia)
    )
    return Trajectory(
        run.label, run.color, result.path[:, 0], result.values[:, 0], int(result.diverged_at[0])
    )
