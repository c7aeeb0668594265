"""The Atlas page's three sections: each computes (cached, one entry per run, a progress bar
with the work left) and draws its figure, tables and downloads. Errors a user can cause (a
setting over the memory limit) are shown in the page."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

import atlas
from ui.atlas_controls import progress_bar
from ui.atlas_engine import basins_one, hyper_map_cached, sensitivity_one, stack
from ui.controls import start_keys
from ui.embed import embedded_figure
from ui.engine import Settings, compute_trajectory
from ui.figures import show
from ui.light_chart import light_chart
from ui.playground_link import playground_button, playground_url
from viz import atlas as va


def _per_run(label: str, runs, compute, rows: int):
    """``compute(run)`` for each run behind a progress bar; None (with the message shown)
    when the settings are refused: ``rows``, the runs of all of them, over the memory limit."""
    bar, update = progress_bar(label)
    parts = []
    try:
        atlas.check_memory(rows)
        for i, run in enumerate(runs):
            parts.append(compute(run))
            update(i + 1, len(runs))
    except ValueError as error:
        st.error(str(error))
        return None
    finally:
        bar.empty()
    return parts


def basins_section(spec, surface, runs, resolution: int, steps: int, start) -> None:
    parts = _per_run(
        "Basins",
        runs,
        lambda run: basins_one(spec, run, resolution, steps),
        resolution**2 * len(runs),
    )
    if parts is None:
        return
    result = atlas.joined(surface, parts)
    trajectories = [compute_trajectory(spec, run, Settings(start, steps)) for run in runs]
    contours = va.faint_contours(surface)
    figure = va.basins_figure(result, contours)
    figure = va.add_clicks_and_paths(figure, result, trajectories)
    keys = start_keys(spec, surface)
    with embedded_figure("atlas"):  # the figure an embedded Atlas shows
        light_chart(figure, key="atlas.chart", on_click=lambda: _clicked(figure, result, keys))
    st.caption(
        f"Each pixel is a start, run for {steps} steps: the hue says which minimum it reached "
        f"(within {result.tol:.3g}), lighter the more steps it needed; grey: not settled; "
        "black: diverged. Click a pixel to draw that start's runs." + _minima_note(result)
    )
    names = [r.label for r in runs]
    legend = va.basins_legend(result, names)
    percent = {
        column: st.column_config.NumberColumn(format="percent")
        for column in (
            *names,
            "global minimum",
            "any minimum",
            "not settled",
            "diverged",
        )
    }
    st.dataframe(
        legend_view(legend),
        hide_index=True,
        key="atlas.legend",
        column_config=percent,
    )
    st.dataframe(
        va.basins_summary(result, names),
        hide_index=True,
        key="atlas.summary",
        column_config=percent,
    )
    playground_button(playground_url(spec, tuple(runs), Settings(start, steps)), "atlas.open")
    left, right = st.columns(2)
    png = partial(va.basins_png, result, names, contours)  # drawn when the button is clicked
    left.download_button("Atlas as PNG", png, "atlas.png", "image/png", on_click="ignore")
    csv = va.basins_csv(result).to_csv(index=False).encode()
    right.download_button("Per-start results (CSV)", csv, "atlas.csv", "text/csv")


def _clicked(figure: dict, result, keys: tuple[str, str]) -> None:
    """Click callback of the basin images: the clicked start becomes the inspected start."""
    event = st.session_state.get("atlas.chart") or {}
    points = event.get("selection", {}).get("points", [])
    start = va.clicked_start(figure, result, points[0]) if points else None
    if start is not None:
        st.session_state[keys[0]], st.session_state[keys[1]] = start


def legend_view(legend):
    """The basins legend as shown: each colour a swatch (its hex code hidden in it), J blank
    for the outcomes (not settled, diverged) rather than "None"."""
    return legend.style.apply(
        lambda c: [f"background-color: {v}; color: {v}" for v in c], subset=["colour"]
    ).format({"J": lambda v: "" if np.isnan(v) else f"{v:.6g}"})


def _minima_note(result) -> str:
    """How a typed function's minima were found, with the clustering radius."""
    if np.isnan(result.cluster_radius):
        return ""
    return (
        f" Minima: Newton's method from a {atlas.minima.SEEDS}×{atlas.minima.SEEDS} grid of "
        "seeds, plus the ends of runs that settled elsewhere, clustered within "
        f"{result.cluster_radius:.3g} ({atlas.CLUSTER_SHARE:.0%} of the domain's diagonal) "
        "and polished by Newton's method."
    )


def sensitivity_section(spec, runs, knobs: dict) -> None:
    if knobs["lr_low"] >= knobs["lr_high"]:
        st.error("The smallest α must be below the largest.")
        return
    args = (
        (knobs["lr_low"], knobs["lr_high"]),
        knobs["lr_count"],
        knobs["starts"],
        knobs["seed"],
        knobs["steps"],
        knobs["noise"],
        knobs["noise_seeds"],
    )
    rows = knobs["lr_count"] * knobs["starts"] * knobs["noise_seeds"] * len(runs)
    parts = _per_run("Sensitivity", runs, lambda run: sensitivity_one(spec, run, *args), rows)
    if parts is None:
        return
    result = stack(parts, tuple(atlas.Setting(r.optimizer, r.values) for r in runs))
    show(
        va.sensitivity_figure(result, [r.color for r in runs], [r.label for r in runs]),
        key="atlas.sensitivity",
    )
    st.caption(
        f"Every cell: {knobs['starts']} random starts × {knobs['noise_seeds']} noise seed(s), "
        f"{knobs['steps']} steps each. Success: ending within the tolerance of a global minimum. "
        f"Good range: decades of α with at least {atlas.GOOD:.0%} success."
    )
    st.dataframe(
        sensitivity_view(va.sensitivity_table(result, [r.label for r in runs])),
        hide_index=True,
        key="atlas.sensitivity_table",
    )


def sensitivity_view(table):
    """The sensitivity table as shown: success as a percentage, and in words where no α
    reaches the good range's success rate (its width is nan, shown as "None" otherwise)."""
    none = f"no α reaches {atlas.GOOD:.0%}"
    return table.style.format(
        {
            "success at best α": "{:.0%}".format,
            "good range (decades)": lambda w: none if np.isnan(w) else f"{w:.2g}",
            "best α": "{:.3g}".format,
            "median J − J*": "{:.3g}".format,
        }
    )


def map_section(spec, surface, knobs: dict, start) -> None:
    if knobs["map_lr_low"] >= knobs["map_lr_high"]:
        st.error("The smallest α must be below the largest.")
        return
    run, y, cells = knobs["run"], knobs["y"], knobs["cells"]
    xs = tuple(np.geomspace(knobs["map_lr_low"], knobs["map_lr_high"], cells).tolist())
    ys = tuple(np.linspace(y.low, y.high, cells).tolist())
    parts = _per_run(
        "Map",
        [run],
        lambda r: hyper_map_cached(spec, r, xs, y.name, ys, start, knobs["steps"]),
        cells**2,
    )
    if parts is None:
        return
    result = parts[0]
    overlays, note = theory_overlays(surface, run, y.name, xs)
    show(va.hyper_map_figure(result, knobs["figure"], overlays), key="atlas.map")
    if overlays is not None:  # the measured rate at the predicted optimum, beside theory's
        x_star, y_star = overlays["optimum"]
        at = hyper_map_cached(spec, run, (x_star,), y.name, (y_star,), start, 4 * knobs["steps"])
        note += f" Measured at that optimum over {4 * knobs['steps']} steps: {at.rate[0, 0]:.4f}."
    st.caption(note)


RATE_NOTE = "Rate: the contraction per step of √(J − J*) over the second half of the run."
HEAVY_BALL = {("sgd", "momentum"), ("momentum", "beta")}  # (optimizer, its β) with Polyak's theory


def theory_overlays(surface, run, y_name: str, xs) -> tuple[dict | None, str]:
    """Theory curves where they exist: heavy ball's α × β on a quadratic with a positive
    definite Hessian (λ₁ ≤ λₙ read off the formula, shifted by any weight decay); else None
    and the reason no theory applies."""
    values = dict(run.values)
    spectrum = atlas.theory.quadratic_spectrum(surface)
    if spectrum is None:
        return None, f"{RATE_NOTE} No theory applies: J is not a quadratic (its Hessian varies)."
    lam_min, lam_max = (lam + float(values.get("weight_decay", 0.0)) for lam in spectrum)
    if lam_min <= 0:
        return None, (
            f"{RATE_NOTE} No theory applies: the Hessian's eigenvalues {lam_min:.4g} and "
            f"{lam_max:.4g} are not both positive (no minimum to converge to)."
        )
    if (run.optimizer, y_name) not in HEAVY_BALL or values.get("dampening", 0.0):
        return None, (
            f"{RATE_NOTE} No theory applies to {run.label} over α × {y_name}: Polyak's theory "
            "is drawn for heavy-ball momentum's α × β (without dampening)."
        )
    article = run.optimizer == "momentum"
    alpha, beta, rate = atlas.theory.momentum_optimum(lam_min, lam_max)
    _, gd_rate = atlas.theory.gd_optimum(lam_min, lam_max)
    form = (
        "the article's averaged form, converted: α' = α/(1 − β)"
        if article
        else "torch's form v ← βv + g, θ ← θ − αv"
    )
    note = (
        f"Theory for λ = {{{lam_min:.4g}, {lam_max:.4g}}} in {form}: optimum α* = {alpha:.4g}, "
        f"β* = {beta:.4g}, rate {rate:.4f} (gradient descent's best: {gd_rate:.4f})."
    )
    return atlas.theory.momentum_overlays(lam_min, lam_max, xs, article=article), note
