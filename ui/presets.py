"""The article's figures as presets: exact settings, a caption stating them, and their chart.

- `Preset` / `make_preset` / `PRESETS`: each figure's surface, runs, start, steps and trail; its
  `caption` states them, `playground_link` writes them in the Playground's URL format.
  `newer_presets()`: the same for the newer optimizers' lesson (not the article's figures).
- `edit_runs`: widgets (from the registry's metadata) for chosen hyperparameters of each run.
- `show_preset`: the Playground's animated chart (cached engine calls), the caption and an
  "Open in Playground" button; `show_presets`: several presets (each with its own settings,
  a schedule say) in one chart, a caption and a button each.
- `minimum_shares`: from a grid of starts, how often each run of a preset ends in each minimum.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

import optim
import surfaces
from ui.controls import run_label
from ui.engine import (
    SCHEDULES,
    RunSpec,
    Settings,
    SurfaceSpec,
    build_optimizer,
    extras,
    get_background,
    get_surface,
)
from ui.figures import show
from ui.knobs import knob_widget
from ui.playground_link import playground_button, playground_url
from ui.race import trajectories
from ui.url_state import UrlState
from viz.trajectory import PALETTE, Trajectory, background_lines, trajectory_figure


@dataclass(frozen=True)
class Preset:
    """Everything that makes one figure: surface, runs, shared settings, trail, layout."""

    key: str
    title: str
    surface: SurfaceSpec
    runs: tuple[RunSpec, ...]
    settings: Settings
    trail: int | None = 10  # the article draws the last 10 points; None: the whole path
    panels: str = "overlay"
    internals: bool = False  # draw what the optimizers keep (the Playground's "Show internals")

    def caption(self) -> str:
        """The settings in words, stated under the figure."""
        surface = surfaces.SURFACES[self.surface.name]
        params = ", ".join(f"{_param_label(surface, k)} = {v:g}" for k, v in self.surface.params)
        runs = "; ".join(_run_words(run) for run in self.runs)
        x0, y0 = self.settings.start
        trail = "whole path" if self.trail is None else f"last {self.trail} points"
        words = [
            f"{surface.label}{f' ({params})' if params else ''}, start ({x0:g}, {y0:g}), "
            f"{self.settings.steps} steps, trail: {trail}",
            f"Runs: {runs}",
        ]
        if self.settings.clip != "none":
            words.append(f"Gradients clipped by {self.settings.clip} at {self.settings.clip_at:g}")
        if self.settings.noise:
            words.append(f"Gradient noise σ = {self.settings.noise:g} (seed {self.settings.seed})")
        if self.settings.schedule != "constant":
            words.append(f"Learning-rate schedule: {SCHEDULES[self.settings.schedule]}")
        if self.internals:
            words.append("Internals shown")
        return ". ".join(words) + "."

    def playground_link(self) -> str:
        """The same settings as a link into the Playground (``ui.playground_link``), with its
        "Show internals" switched on when the preset draws them."""
        return playground_url(
            self.surface, self.runs, self.settings, self.trail, self.panels, self.internals
        )

    def with_run_values(self, index: int, **values) -> Preset:
        """The same preset with run `index`'s hyperparameters updated (label follows)."""
        runs = list(self.runs)
        run = runs[index]
        merged = {**dict(run.values), **values}
        runs[index] = RunSpec(run.optimizer, tuple(merged.items()), run.color, run_label(
            run.optimizer, merged.items()
        ))  # fmt: skip
        return replace(self, runs=tuple(runs))


def _param_label(surface, name: str) -> str:
    return next((p.label.split(" (")[0] for p in surface.parameters if p.name == name), name)


def _run_words(run: RunSpec) -> str:
    hypers = {h.name: h for h in optim.OPTIMIZERS[run.optimizer].hyperparameters}
    values = ", ".join(
        f"{hypers[k].label.split(' (')[0]} = {_word(v)}" for k, v in run.values if k in hypers
    )
    return f"{optim.OPTIMIZERS[run.optimizer].label} ({values})" if values else run.label


def _word(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool | np.bool_) else f"{value:g}"


def make_preset(
    key: str,
    title: str,
    surface: str,
    runs: tuple[tuple[str, dict], ...],
    *,
    start: tuple[float, float] | None = None,
    steps: int = 300,
    params: tuple[tuple[str, float], ...] = (),
    trail: int | None = 10,
    clip_at: float | None = None,
    panels: str = "overlay",
    noise: float = 0.0,
    schedule: str = "constant",
    internals: bool = False,
    first_color: int = 0,
) -> Preset:
    """A preset from plain values; runs are (optimizer, {hyperparameter: value}) pairs,
    coloured from the palette's ``first_color``-th colour on; ``noise`` with seed 0."""
    specs = tuple(
        RunSpec(name, tuple(v.items()), PALETTE[i % len(PALETTE)], run_label(name, v.items()))
        for i, (name, v) in enumerate(runs, start=first_color)
    )
    settings = Settings(
        start=tuple(start or surfaces.SURFACES[surface].start),
        steps=steps,
        noise=noise,
        clip="none" if clip_at is None else "norm",
        clip_at=1.0 if clip_at is None else clip_at,
        schedule=schedule,
    )
    spec = SurfaceSpec(surface, params)
    return Preset(key, title, spec, specs, settings, trail, panels, internals)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        make_preset(
            "learning_rate", "Learning rate: small against large", "peaks",
            (("gd", {"lr": 0.01}), ("gd", {"lr": 0.15})),
            start=(-0.5, -1.0), steps=150, panels="side",
        ),
        make_preset(
            "local_minimum", "A local minimum traps gradient descent", "peaks",
            (("gd", {"lr": 0.005}),), start=(1.0, 0.0), steps=300,
        ),
        make_preset(
            "saddle", "A saddle point slows gradient descent to a crawl", "monkey_saddle",
            (("gd", {"lr": 0.005}),), start=(1.0, 0.0), steps=400,
        ),
        make_preset(
            "plateau", "A plateau: the gradient vanishes", "plateau",
            (("gd", {"lr": 0.1}), ("adam", {"lr": 0.05})), steps=300,
        ),
        make_preset(
            "cliff", "A cliff: the gradient explodes", "cliff",
            (("gd", {"lr": 0.1}),), steps=200, trail=None,
        ),
        make_preset(
            "ravine", "A ravine: gradient descent zig-zags, momentum glides", "ravine",
            (("gd", {"lr": 0.03}), ("momentum", {"lr": 0.03, "beta": 0.9})),
            params=(("kappa", 60.0),), steps=150, trail=None,
        ),
        make_preset(
            "comparison", "Escaping a saddle: GD, momentum, Nesterov, RMSProp, Adam", "saddle",
            (
                ("gd", {"lr": 0.02}),
                ("momentum", {"lr": 0.02, "beta": 0.9}),
                ("nesterov", {"lr": 0.02, "momentum": 0.9}),
                ("rmsprop", {"lr": 0.02}),
                ("adam", {"lr": 0.02}),
            ),
            start=(1.0, -0.001), steps=200,
        ),
    )
}  # fmt: skip

# The newer optimizers' lesson (views/newer_optimizers.py), not the article's figures:
# (key, title, surface, runs, settings); see ``newer_presets``.
NEWER = (
    ("schedule_free", "Schedule-Free AdamW against constant-α AdamW", "himmelblau",
     (("adamw", {"lr": 0.2, "weight_decay": 0.0}), ("adamw_schedule_free", {"lr": 0.2})),
     {"noise": 2.0, "internals": True}),
    ("cosine", "AdamW with cosine decay", "himmelblau",
     (("adamw", {"lr": 0.2, "weight_decay": 0.0}),),
     {"noise": 2.0, "schedule": "cosine", "first_color": 2}),
    ("sam", "SAM leaves the sharp minimum for the flat one", "sharp_flat",
     (("sgd", {"lr": 0.01, "momentum": 0.9}),
      ("sam_sgd", {"lr": 0.01, "momentum": 0.9, "rho": 0.3})),
     {"start": (-2.5, 1.75), "steps": 400, "internals": True}),
    ("muon", "Muon's normalized steps walk off a plateau", "plateau",
     (("nesterov", {"lr": 0.05, "momentum": 0.95}), ("muon", {"lr": 0.05, "momentum": 0.95})),
     {}),
    ("prodigy", "Prodigy finds its own step size", "himmelblau",
     (("adam", {"lr": 1e-4}), ("prodigy", {"d0": 1e-6})),
     {"internals": True}),
)  # fmt: skip


def newer_presets() -> dict[str, Preset]:
    """The presets of ``NEWER`` whose optimizers are all in the registry, made on each call:
    a preset (and its lesson section) appears as soon as its optimizers are registered."""
    return {
        key: make_preset(key, title, surface, runs, **settings)
        for key, title, surface, runs, settings in NEWER
        if all(name in optim.OPTIMIZERS for name, _ in runs)
    }


def preset_trajectories(preset: Preset) -> list[Trajectory]:
    """Every run of the preset (with its internals when it draws them), through the
    Playground's cached engine calls."""
    return trajectories(preset.surface, preset.runs, preset.settings, preset.internals)


@st.cache_data(max_entries=32, show_spinner=False)
def preset_figure(preset: Preset) -> dict:
    """The Playground's animated chart for a preset, without its click-to-start grid (a lesson
    page keeps the article's start; the Playground is where a click moves it)."""
    return _race(preset, preset_trajectories(preset))


def _race(preset: Preset, runs: list[Trajectory]) -> dict:
    """The chart of ``runs`` on ``preset``'s surface, with its trail and panels."""
    return trajectory_figure(
        get_surface(preset.surface),
        runs,
        trail=preset.trail,
        panels=preset.panels,
        background=get_background(preset.surface, 160, background_lines(preset.panels)),
        clickable=0,
    )


def together(presets: tuple[Preset, ...], labels: tuple[str, ...]) -> list[Trajectory]:
    """The runs of several presets on one surface (each with its own settings: a schedule, say),
    renamed ``labels`` so the legend tells them apart."""
    runs = [run for preset in presets for run in preset_trajectories(preset)]
    return [replace(run, label=label) for run, label in zip(runs, labels, strict=True)]


@st.cache_data(max_entries=16, show_spinner=False)
def presets_figure(presets: tuple[Preset, ...], labels: tuple[str, ...]) -> dict:
    """One animated chart of the runs of ``presets`` (see ``together``)."""
    return _race(presets[0], together(presets, labels))


@st.cache_data(max_entries=8, show_spinner=False)
def minimum_shares(preset: Preset, across: int = 29, down: int = 21, reach: float = 0.3):
    """For each run of ``preset``: the share of an ``across`` × ``down`` grid of starts over
    the surface's domain from which it ends within ``reach`` of each of its minima (one share
    per minimum, in the surface's order), with the preset's steps and settings."""
    surface = get_surface(preset.surface)
    (x0, x1), (y0, y1) = surface.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, across), np.linspace(y0, y1, down))
    starts = np.stack([gx.ravel(), gy.ravel()], axis=-1)
    shares = []
    for run in preset.runs:
        opt = build_optimizer(run, preset.settings)
        steps = preset.settings.steps
        more = extras(surface, preset.settings)  # what SAM or Sophia ask for (as the Playground)
        final = optim.run(opt, surface.grad, starts, steps, record=False, **more).final
        near = [np.hypot(*(final - (m.x, m.y)).T) <= reach for m in surface.minima]
        shares.append(tuple(float(np.mean(n)) for n in near))
    return shares


def edit_runs(url: UrlState, preset: Preset, names: tuple[str, ...] = ("lr",), box=None) -> Preset:
    """Widgets (built from the registry's metadata) for the named hyperparameters of each run."""
    box = box if box is not None else st
    columns = box.columns(len(preset.runs))
    for index, (run, column) in enumerate(zip(preset.runs, columns, strict=True)):
        hypers = {h.name: h for h in optim.OPTIMIZERS[run.optimizer].hyperparameters}
        defaults = dict(run.values)
        values = {}
        for name in names:
            if name not in hypers:
                continue
            knob = replace(hypers[name], default=defaults.get(name, hypers[name].default))
            label = f"{index + 1} · {optim.OPTIMIZERS[run.optimizer].label}: {knob.label}"
            knob = replace(knob, label=label)
            key = f"{preset.key}.r{index}.{name}"
            values[name] = knob_widget(url, knob, key=key, container=column)
        preset = preset.with_run_values(index, **values)
    return preset


def show_preset(preset: Preset, key: str) -> list[Trajectory]:
    """The animated chart, its settings stated under it, and an "Open in Playground" link."""
    show(preset_figure(preset), key=key)
    st.caption(preset.caption())
    playground_button(preset.playground_link(), key=f"{key}.open")
    return preset_trajectories(preset)


def show_presets(presets: tuple[Preset, ...], labels: tuple[str, ...], key: str):
    """Several presets' runs in one animated chart (``together``), each preset's settings
    stated under it with its own "Open in Playground" link; returns the runs drawn."""
    show(presets_figure(presets, labels), key=key)
    for index, preset in enumerate(presets):
        st.caption(preset.caption())
        playground_button(preset.playground_link(), key=f"{key}.open{index}")
    return together(presets, labels)
