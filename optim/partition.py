"""Parameter groups: each named part of a flat parameter vector goes to its own optimizer.

Optax's ``multi_transform``, torch's param groups. The parameters are one flat float vector
(the Training lab's network) or a batch of them, shape (..., d); a ``View`` names one part of
the last axis and the shape it is seen with, so a weight matrix reaches its optimizer as a
matrix (Muon needs that) and a bias as a vector. Each view is a parameter of its own, as a
tensor in a torch param group: its transform keeps a state for it alone, so a transform that
reduces over its parameter (Muon's orthogonalization, a norm) reduces over that view only.
"""

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from optim.base import GradientTransformation


class View(NamedTuple):
    """``flat[..., start:start + prod(shape)]`` stored row-major with ``shape``, and seen as
    that matrix's transpose when ``transposed`` (a weight W stored fan_in × fan_out, for x·W,
    seen as torch's fan_out × fan_in)."""

    start: int
    shape: tuple[int, ...]
    transposed: bool = False

    @property
    def stop(self) -> int:
        return self.start + math.prod(self.shape)

    def of(self, flat: np.ndarray) -> np.ndarray:
        """This part of ``flat`` (..., d) as seen: shape (..., *shape), last two axes swapped
        when ``transposed``."""
        part = flat[..., self.start : self.stop].reshape(*flat.shape[:-1], *self.shape)
        return np.swapaxes(part, -1, -2) if self.transposed else part

    def put(self, out: np.ndarray, part: np.ndarray) -> None:
        """Write ``part`` (as ``of`` sees it) into its place in ``out`` (..., d)."""
        stored = np.swapaxes(part, -1, -2) if self.transposed else part
        out[..., self.start : self.stop] = np.reshape(stored, (*out.shape[:-1], -1))


class Layout(NamedTuple):
    """What an optimizer may know of a network's flat parameters: its named views, and which
    of them are hidden weight matrices (neither the first layer's nor the output layer's:
    the matrices Muon is meant for)."""

    views: dict[str, View]
    hidden: tuple[str, ...]


class PartitionState(NamedTuple):
    states: tuple  # one per view, in the order of the views' starts


def _ordered(transforms: Mapping, labels: Mapping[View, str]) -> list[tuple[View, str]]:
    """The (view, label) pairs by start; ValueError for an unknown label or for views that do
    not follow each other from 0 without a gap or an overlap."""
    pairs = sorted(labels.items(), key=lambda pair: pair[0].start)
    for _, label in pairs:
        if label not in transforms:
            known = ", ".join(map(repr, transforms))
            raise ValueError(f"labels: {label!r} is not one of the transforms ({known})")
    for name, transform in transforms.items():
        if getattr(transform, "asks", None):  # a part's grad_fn would need the whole vector
            raise ValueError(f"transforms: {name!r} asks for {set(transform.asks)}; a part cannot")
    stops = [0, *(view.stop for view, _ in pairs)]
    if not pairs or [view.start for view, _ in pairs] != stops[:-1]:
        views = [view for view, _ in pairs]
        raise ValueError(f"labels: the views must tile 0..d without gaps, got {views}")
    return pairs


def partition(
    transforms: Mapping[str, GradientTransformation], labels: Mapping[View, str]
) -> GradientTransformation:
    """Send each view of the parameters to the transform its label names:
    updates[..., view] = transforms[labels[view]] applied to grads[..., view] (seen with the
    view's shape), with a state of its own per view. The views must tile the last axis of the
    parameters (``init`` checks its length): every coordinate has exactly one optimizer."""
    pairs = _ordered(transforms, labels)

    def init(params):
        params = np.asarray(params, dtype=float)
        if pairs[-1][0].stop != params.shape[-1]:
            raise ValueError(
                f"labels: the views cover {pairs[-1][0].stop} coordinates, "
                f"the parameters have {params.shape[-1]}"
            )
        return PartitionState(tuple(transforms[name].init(view.of(params)) for view, name in pairs))

    def update(grads, state, params=None):
        out = np.empty(np.shape(grads))
        new_states = []
        for (view, label), part_state in zip(pairs, state.states, strict=True):
            part_params = None if params is None else view.of(params)
            part, part_state = transforms[label].update(view.of(grads), part_state, part_params)
            view.put(out, part)
            new_states.append(part_state)
        return out, PartitionState(tuple(new_states))

    return GradientTransformation(init, update)
