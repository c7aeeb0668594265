"""One run taken apart step by step: gradient, velocity, per-coordinate scale and actual step.

The article's optimizers are built from exponentially weighted averages (`optim.ewa`) of the
gradients gₜ seen along the path:

    gradient descent  Δθₜ = −α gₜ
    momentum          mₜ = ewa(g, β)ₜ                      Δθₜ = −α mₜ
    RMSProp           vₜ = ewa(g², α_rms)ₜ                 Δθₜ = −α gₜ / (√vₜ + ε)
    Adam              m̂ₜ = ewa(g, β₁)ₜ / (1−β₁ᵗ), v̂ₜ = ewa(g², β₂)ₜ / (1−β₂ᵗ)
                                                             Δθₜ = −α m̂ₜ / (√v̂ₜ + ε)

`step_anatomy` steps the optimizer itself along the path the engine produced and reads those
averages from its state (`optim.averages`: m̂ = mu / mu_correction, v̂ = nu / nu_correction), so
every optimizer whose state keeps m or v (NAdam, AdamW, RMSProp with momentum, …) gets the same
arrows, and the arrows drawn are the quantities its rule uses. For the article's four,
`predicted` (−α m̂ / (√v̂ + ε)) and `step` (engine) agree, which the tests check. Dividing by √v
per coordinate is what lets RMSProp and Adam leave a saddle: along a coordinate where gradients
are tiny, √v is tiny too and the step there is not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

import optim
from viz.axes import log_axis, log_range
from viz.encode import decimals_for
from viz.internals import internal_traces, rounded_internals
from viz.layout import lesson_layout
from viz.trajectory import trajectory_figure

# the article's four: their step is −α·m̂/(√v̂ + ε) itself (`predicted` equals the engine's step)
ANATOMY_OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
ARROWS = (  # field, label, colour
    ("descent", "−α·gradient (plain GD step)", "#ff5a5f"),
    ("heading", "−α·velocity (averaged gradient)", "#00e5ff"),
    ("step", "actual step Δθ", "#ffd400"),
)
COORDINATE_COLOURS = ("#e4572e", "#2e86ab")


class StepAnatomy(NamedTuple):
    """Per step t = 0..T−1 (rows), each (T, 2): the pieces of θₜ₊₁ = θₜ + Δθₜ."""

    grad: np.ndarray  # gₜ = ∇J(θₜ)
    velocity: np.ndarray  # m̂ₜ, the averaged gradient the step follows (gₜ itself without m)
    scale: np.ndarray  # √v̂ₜ (+ε) per coordinate (ones when the state keeps no v)
    predicted: np.ndarray  # −α · velocity / scale, the article's rule
    step: np.ndarray  # θₜ₊₁ − θₜ from the engine's path
    lr: float
    adaptive: bool = False  # whether the state keeps v, so the step is divided by √v

    @property
    def descent(self) -> np.ndarray:
        return -self.lr * self.grad

    @property
    def heading(self) -> np.ndarray:
        return -self.lr * self.velocity

    @property
    def averages(self) -> bool:
        """Whether the step follows an average of gradients (momentum, Adam), not gₜ itself."""
        return not np.array_equal(self.velocity, self.grad)

    def arrows(self) -> tuple[tuple[str, str, str], ...]:
        """The ARROWS worth drawing: without averaging, the velocity arrow would hide −αg."""
        return tuple(a for a in ARROWS if a[0] != "heading" or self.averages)

    @property
    def effective_lr(self) -> np.ndarray:
        """α / scale per coordinate: the learning rate each coordinate actually gets."""
        return self.lr / self.scale


def keeps_averages(name: str) -> bool:
    """Whether optimizer `name`'s state, built with its defaults, keeps m (mu) or v (nu)."""
    opt = optim.OPTIMIZERS[name].build()
    kept = optim.averages(opt.init(np.zeros(2)))
    return kept.mu is not None or kept.nu is not None


# every optimizer the step view can take apart: gd, and each whose state keeps m or v, on a
# surface (not those built for a network's layout, such as Muon + AdamW)
AVERAGING_OPTIMIZERS = tuple(
    n
    for n, spec in optim.OPTIMIZERS.items()
    if not spec.needs_layout and (n == "gd" or keeps_averages(n))
)


def state_averages(opt, grads: np.ndarray, path: np.ndarray):
    """m̂ₜ and v̂ₜ (None where not kept) after each step t, from `opt`'s own state stepped with
    the gradients `grads` (T, 2) at the points `path` (T, 2): mu / mu_correction and
    nu / nu_correction as `optim.averages` reads them, each stacked to (T, 2)."""
    state = opt.init(path[0])
    rows = []
    for g, theta in zip(grads, path, strict=True):
        _, state = opt.update(g, state, theta)
        kept = optim.averages(state)
        rows.append(
            (
                None if kept.mu is None else kept.mu / kept.mu_correction,
                None if kept.nu is None else kept.nu / kept.nu_correction,
            )
        )
    return tuple(None if rows[0][k] is None else np.stack([r[k] for r in rows]) for k in (0, 1))


def step_anatomy(name: str, hyper: dict, path: np.ndarray, grad_fn) -> StepAnatomy:
    """Gradient, velocity m̂ and scale √v̂ + ε along `path` (T+1, 2) for one of
    AVERAGING_OPTIMIZERS, read from the state of `optim.OPTIMIZERS[name].build(**hyper)`
    stepped along the path (its gradients at the path's points, not its own steps).

    `hyper` holds the registry's flat values (lr, beta, beta1, beta2, alpha, eps, …); `grad_fn`
    maps (T, 2) points to (T, 2) gradients.
    """
    if name not in AVERAGING_OPTIMIZERS:
        raise ValueError(f"no step anatomy for {name!r}; choose one of {AVERAGING_OPTIMIZERS}")
    path = np.asarray(path, dtype=float)
    grads = np.asarray(grad_fn(path[:-1]), dtype=float)
    lr = float(hyper["lr"])
    velocity, second = state_averages(optim.OPTIMIZERS[name].build(**hyper), grads, path[:-1])
    velocity = grads if velocity is None else velocity
    scale = np.ones_like(grads) if second is None else np.sqrt(second) + hyper.get("eps", 0.0)
    return StepAnatomy(
        grad=grads,
        velocity=velocity,
        scale=scale,
        predicted=-lr * velocity / scale,
        step=np.diff(path, axis=0),
        lr=lr,
        adaptive=second is not None,
    )


def arrow_annotations(origin, anatomy: StepAnatomy, t: int, length: float) -> list[dict]:
    """Plotly arrow annotations from θₜ for −αg, −α·velocity and Δθ, all scaled by one factor.

    The factor makes the longest arrow `length` long (in data units), so arrows compare
    truthfully with each other even when the steps are far too small to see.
    """
    vectors = {field: getattr(anatomy, field)[t] for field, _, _ in anatomy.arrows()}
    longest = max(float(np.hypot(*v)) for v in vectors.values())
    factor = length / longest if longest > 0 else 1.0
    x0, y0 = (float(c) for c in origin)
    notes = []
    for field, _, colour in anatomy.arrows():
        dx, dy = vectors[field] * factor
        notes.append(
            {
                "x": x0 + float(dx),
                "y": y0 + float(dy),
                "ax": x0,
                "ay": y0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1.2,
                "arrowwidth": 2.5,
                "arrowcolor": colour,
                "text": "",
            }
        )
    return notes


def scale_figure(anatomy: StepAnatomy, t: int, adaptive: bool) -> dict:
    """Per coordinate over the steps: |g| and the learning rate it effectively gets (α / √v)."""
    steps = np.arange(len(anatomy.grad))
    fig = go.Figure()
    for k, (coordinate, colour) in enumerate(zip(("θ₁", "θ₂"), COORDINATE_COLOURS, strict=True)):
        fig.add_scatter(
            x=steps,
            y=np.abs(anatomy.grad[:, k]),
            name=f"|g| along {coordinate}",
            mode="lines",
            line={"color": colour, "width": 1.5, "dash": "dot"},
        )
        if adaptive:
            fig.add_scatter(
                x=steps,
                y=anatomy.scale[:, k],
                name=f"√v along {coordinate}",
                mode="lines",
                line={"color": colour, "width": 2.5},
            )
    fig.add_vline(x=t, line={"color": "#555", "width": 1})
    # ten decades below the largest value: an exact zero would stretch a log axis forever
    top = np.log10(max(np.abs(anatomy.grad).max(), anatomy.scale.max() if adaptive else 0, 1e-300))
    fig.update_yaxes(**log_axis([top - 10, top + 0.5], length=250))
    return lesson_layout(fig, "|g| and √v per coordinate (log)", "step", 360)


def step_sizes(path: np.ndarray) -> np.ndarray:
    """‖θₜ₊₁ − θₜ‖ for every step of a path (T+1, 2) -> (T,)."""
    return np.hypot(*np.diff(np.asarray(path, dtype=float), axis=0).T)


def step_size_figure(runs, dashes=None) -> dict:
    """Step length per step for runs with `label`, `color`, `path` (log scale: jumps stand out)."""
    fig = go.Figure()
    for k, run in enumerate(runs):
        sizes = step_sizes(run.path)
        fig.add_scatter(
            x=np.arange(1, len(sizes) + 1),
            y=np.where(sizes > 0, sizes, np.nan),  # a frozen (diverged) run has no step to draw
            name=run.label,
            mode="lines",
            line={"color": run.color, "width": 2, "dash": (dashes or {}).get(k, "solid")},
        )
    fig.update_yaxes(**log_axis(log_range([t.y for t in fig.data]), length=210))
    fig.update_yaxes(title_text="‖θₜ − θₜ₋₁‖")
    return lesson_layout(fig, "Step size at each step (log)", "step t", 320)


def still_figure(animated: dict) -> dict:
    """An animated race figure frozen at its last frame: no frames, buttons or slider."""
    last = animated["frames"][-1]
    data = [dict(trace) for trace in animated["data"]]
    for index, moving in zip(last["traces"], last["data"], strict=True):
        data[index].update(moving)
    layout = {k: v for k, v in animated["layout"].items() if k not in ("updatemenus", "sliders")}
    layout["margin"] = {**layout.get("margin", {}), "b": 50}
    return {"data": data, "layout": layout}


def _internals_up_to(run, t: int, domain) -> list[dict]:
    """The run's point internals (``run.internals``, see ``viz.internals``) from step 0 to t:
    whole trails for z and x, the markers where φ or the probe are at step t."""
    if not run.internals:
        return []
    decimals = decimals_for(max(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0]))
    upto = {name: values[: t + 1] for name, values in run.internals.items()}
    return internal_traces(run, rounded_internals(upto, decimals), t, t + 1, ("x", "y"), True)


def step_figure(surface, background, run, anatomy: StepAnatomy | None, t: int) -> dict:
    """Run `run` (a viz.trajectory.Trajectory) up to step t on its surface, with the three
    arrows at θₜ scaled so the longest spans a quarter of the domain's width (none without
    ``anatomy``), and the run's internals up to step t when it carries them."""
    upto = replace(run, path=run.path[: t + 1], values=run.values[: t + 1], internals=None)
    animated = trajectory_figure(
        surface,
        [upto],
        trail=None,
        max_frames=2,
        clickable=0,
        background=background,
        height=520,
        settle=False,  # the view shows step t, not where the run had settled before it
    )
    figure = still_figure(animated)
    figure["data"] += _internals_up_to(run, t, surface.domain)
    if anatomy is None:
        return figure
    (x0, x1), _ = surface.domain
    figure["layout"]["annotations"] = [
        *figure["layout"].get("annotations", []),
        *arrow_annotations(run.path[t], anatomy, t, length=0.25 * (x1 - x0)),
    ]
    for _, label, colour in anatomy.arrows():  # legend entries for the arrows
        figure["data"].append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "lines",
                "line": {"color": colour, "width": 3},
                "name": label,
            }
        )
    return figure
