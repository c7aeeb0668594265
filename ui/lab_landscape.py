"""The Training lab's Landscape section: the kept run's optimizers on one plane of weight space.

After training, the user picks a plane (filter-normalized random directions, the shared PCA
plane of all paths, or the plane through θ₀ and two solutions), its centre, the grid and the
split, and presses Compute. The paths are the ones the page's own training kept
(``ui.lab_training``: every epoch of up to 200, else every k-th, as float32 offsets from θ₀;
≤ 50 MB), never trained again;
the plane's centre and solutions are those kept weights too, so a path that lies in the plane
projects with no distance off it. The contour plays the paths epoch by epoch as the
Playground's race chart (``ui.light_chart``). Every setting is a keyed widget mirrored into the
URL (``ls_*``).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import lab
from lab import Plane, directions, landscape
from ui.figures import show
from ui.lab_training import RESULT
from ui.light_chart import light_chart
from ui.url_state import Choice, Number, UrlState
from viz.landscape import (
    PlanePath,
    contour_figure,
    honesty_figure,
    interpolation_figure,
    misleading,
    sharpness_figure,
)

KEPT = "lab.landscape"  # session key: (settings, figures) of the latest landscape
PLANES = {
    "pca": "PCA of all paths",
    "random": "filter-normalized random",
    "through": "θ₀ and two solutions",
}
SPLITS = {"train": "training loss", "test": "test loss"}
BIASES = {"zero": "zero", "normalized": "normalized"}
FRAME_MS = 60  # one kept epoch per frame at this pace
TOLERANCE = 0.1  # a plane loss more than 10 % off the true loss is flagged
SHARPNESS_ITERS = 30


def _pick(url: UrlState, factory, label: str, name: str, options, default: str, **kwargs):
    """A selectbox or radio mirrored into the URL as ``name``, ``lab.<name>`` in session."""
    key = f"lab.{name}"
    return url.choice(factory, label, key=key, url_key=name, options=options, default=default,
                      **kwargs)  # fmt: skip


def _whole(url: UrlState, factory, label: str, name: str, field: Number, **kwargs) -> int:
    """A whole-number widget mirrored into the URL as ``name``."""
    low, high = int(field.low), int(field.high)
    return int(url.widget(factory, label, key=f"lab.{name}", url_key=name, field=field,
                          min_value=low, max_value=high, **kwargs))  # fmt: skip


def controls(url: UrlState, labels: list[str]) -> tuple:
    """The section's settings: plane, centre, the two solutions, grid, split, seed, biases."""
    grid, seed_field = fields(labels)["ls_grid"], fields(labels)["ls_seed"]
    kind = _pick(url, st.radio, "Plane", "ls_plane", PLANES, "pca", horizontal=True)
    centres = {"initial": "initial weights θ₀"}
    centres |= {f"{i}": f"{label} final" for i, label in enumerate(labels)}
    ends = {f"{i}": label for i, label in enumerate(labels)}
    cols = st.columns(3)
    with cols[0]:
        centre = _pick(url, st.selectbox, "Centre", "ls_centre", centres, "initial",
                       disabled=kind == "through")  # fmt: skip
        split = _pick(url, st.radio, "Contours of", "ls_split", SPLITS, "train", horizontal=True)
    with cols[1]:
        through = kind != "through"
        first = _pick(url, st.selectbox, "First solution", "ls_a", ends, "0", disabled=through)
        other = f"{min(1, len(labels) - 1)}"
        second = _pick(url, st.selectbox, "Second solution", "ls_b", ends, other,
                       disabled=through)  # fmt: skip
    with cols[2]:
        size = _whole(url, st.slider, "Grid points per side", "ls_grid", grid)  # fmt: skip
        seed = _whole(url, st.number_input, "Direction seed", "ls_seed", seed_field,
                      disabled=kind != "random")  # fmt: skip
        biases = _pick(url, st.radio, "Bias directions", "ls_bias", BIASES, "zero",
                       horizontal=True, disabled=kind != "random")  # fmt: skip
    return kind, centre, int(first), int(second), size, split, seed, biases


def kept_paths(run) -> list[lab.History] | None:
    """The run's histories, each path closed at its last recorded epoch (a run stopped between
    two kept epochs still ends at the weights it shows); None when the run kept no paths."""
    if not all(h.path for h in run.histories):
        return None
    for h in run.histories:
        h.path.append(h.epochs[-1], h.params)  # a no-op when that epoch is kept
    return run.histories


def make_plane(kind, centre_key, first, second, seed, biases, network, histories) -> Plane:
    """The chosen plane through its centre (θ₀ for "through"); a solution is its path's last
    kept weights, the very vectors the paths hold."""
    theta0 = histories[0].path.origin
    centre = theta0 if centre_key == "initial" else histories[int(centre_key)].path[-1]
    if kind == "random":
        pair = directions.filter_normalized(centre, network, seed=seed, biases=biases)
        return Plane(centre, *pair, label=f"filter-normalized, seed {seed}, biases {biases}")
    if kind == "through":
        a, b = histories[first], histories[second]
        return Plane(
            theta0,
            *directions.through(theta0, a.path[-1], b.path[-1]),
            label=f"θ₀, {a.label} and {b.label}",
        )
    d1, d2, explained = directions.pca([h.path.weights() for h in histories], centre)
    return Plane(centre, d1, d2, label="PCA of all paths", explained=explained)


def extent(kind: str, paths: list[PlanePath], pad: float = 0.25) -> tuple:
    """α and β ranges: [−1, 1] for random directions (Li et al.), else every projected point
    and the centre, padded by ``pad`` of the span on each side."""
    if kind == "random":
        return (-1.0, 1.0), (-1.0, 1.0)
    points = np.vstack([p.coords for p in paths] + [np.zeros((1, 2))])
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-6)
    return tuple(zip(low - pad * span, high + pad * span, strict=True))


def compute(setup: tuple, run, histories, colors, progress) -> dict:
    """Figures and notes for one setting of the section."""
    kind, centre, first, second, size, split, seed, biases = setup
    data, network = run.data, run.network
    x, y = (data.x_train, data.y_train) if split == "train" else (data.x_test, data.y_test)
    plane = make_plane(kind, centre, first, second, seed, biases, network, histories)
    paths = []
    for h, color in zip(histories, colors, strict=True):
        seen = landscape.trace_path(network, plane, h.path.weights(), x, y)
        paths.append(
            PlanePath(
                h.label,
                color,
                np.array(h.path.epochs),
                seen["coords"],
                seen["share"],
                seen["true"],
                seen["plane"],
                h.diverged_at,
            )
        )
    (a0, a1), (b0, b1) = extent(kind, paths)
    alphas, betas = np.linspace(a0, a1, size), np.linspace(b0, b1, size)

    def tick(done: int, total: int) -> None:
        progress.progress(done / total, text=f"Loss at {done} of {total} grid points")

    values = landscape.grid(network, plane, alphas, betas, x, y, tick)
    progress.empty()
    title = f"{SPLITS[split]} on the plane: {plane.label}"
    if plane.explained:
        title += f" (explained variance {plane.explained[0]:.0%} + {plane.explained[1]:.0%})"
    return {
        "contour": contour_figure(alphas, betas, values, paths, title, FRAME_MS),
        "honesty": honesty_figure(paths),
        "notes": misleading(paths, TOLERANCE),
        "interpolation": interpolation_figure(
            lines(network, histories, colors, (first, second), (x, y))
        ),
        "sharpness": sharpness_figure(sharpness(network, histories, colors, data)),
    }


def lines(network, histories, colors, pair: tuple[int, int], data: tuple) -> list:
    """θ₀ → each solution, and between the chosen pair of solutions (with the barrier between
    them) when they differ; losses on ``data`` = (x, y)."""
    x, y = data
    theta0 = histories[0].path.origin
    curves = [
        (f"θ₀ → {h.label}", c, *landscape.interpolate(network, theta0, h.params, x, y))
        for h, c in zip(histories, colors, strict=True)
    ]
    if pair[0] != pair[1]:
        a, b = histories[pair[0]], histories[pair[1]]
        t, loss = landscape.interpolate(network, a.params, b.params, x, y)
        label = f"{a.label} → {b.label} (barrier {landscape.barrier(t, loss):.3g})"
        curves.append((label, "#888888", t, loss))
    return curves


def sharpness(network, histories, colors, data) -> list:
    """(label, colour, top Hessian eigenvalue on the training set, final test accuracy)."""
    return [
        (
            h.label,
            c,
            landscape.top_eigenvalue(
                network, h.params, data.x_train, data.y_train, iters=SHARPNESS_ITERS, tol=1e-4
            ),
            h.test_accuracy[-1],
        )
        for h, c in zip(histories, colors, strict=True)
    ]


def fields(labels: list[str]) -> dict:
    """Every setting of the section by URL name, as ``controls`` draws it."""
    ends = tuple(f"{i}" for i in range(len(labels)))
    return {
        "ls_plane": Choice("pca", tuple(PLANES)),
        "ls_centre": Choice("initial", ("initial", *ends)),
        "ls_split": Choice("train", tuple(SPLITS)),
        "ls_a": Choice("0", ends),
        "ls_b": Choice(f"{min(1, len(labels) - 1)}", ends),
        "ls_grid": Number(41, 11, 101, integer=True),
        "ls_seed": Number(0, 0, 9999, integer=True),
        "ls_bias": Choice("zero", tuple(BIASES)),
    }


def keep(url: UrlState, labels: list[str]) -> None:
    """While the section is hidden, hold its settings (from the link on the first run) in
    session state and in the URL, so a link's landscape survives until training ends."""
    for name, field in fields(labels).items():
        key = f"lab.{name}"
        st.session_state[key] = value = url.current(key, field, name)
        url.mirror(name, value, field)


def landscape_section(url: UrlState, optimizers, settings: tuple) -> None:
    """The section under the kept run, or a prompt when there is no finished run to show."""
    st.subheader("Landscape", divider="gray")
    run = st.session_state.get(RESULT)
    labels = [label for label, *_ in optimizers]
    if run is None or not run.histories or run.settings != settings or not labels:
        keep(url, labels)
        st.caption("Train with the current settings to see the optimizers on a loss landscape.")
        return
    setup = controls(url, labels)
    kept = st.session_state.get(KEPT)
    if st.button("Compute landscape", key="lab.ls_go", icon=":material/landscape:"):
        histories = kept_paths(run)
        if histories is None:
            st.error(
                "This run kept no weights to draw: press Train again.", icon=":material/block:"
            )
            return
        try:
            figures = compute(setup, run, histories, run.colors, st.empty())
            kept = st.session_state[KEPT] = ((settings, setup), figures)
        except ValueError as error:
            st.error(f"Cannot draw this plane: {error}", icon=":material/block:")
            return
    if kept is None or kept[0] != (settings, setup):
        st.caption("Press **Compute landscape** to draw this plane.")
        return
    show_figures(kept[1])


def show_figures(figures: dict) -> None:
    """The contour with the paths, the honesty chart and notes, interpolation, sharpness."""
    light_chart(figures["contour"], key="lab.ls_contour")
    st.caption(
        "Press ▶ Play to replay training epoch by epoch; hover a small circle for that "
        "epoch's true loss and how far off the plane it lies."
    )
    st.markdown(
        "**Is the picture honest?** Solid: the loss the path had; dotted: the loss the "
        "plane shows at its projected point. Below: how much of each path lies off "
        "the plane. (Training kept each epoch's weights as float32 offsets from θ₀, "
        "within 6·10⁻⁸ of the distance travelled.)"
    )
    if figures["notes"]:
        notes = "\n".join(f"- {note}" for note in figures["notes"])
        st.warning(
            f"Off by more than {TOLERANCE:.0%} somewhere:\n\n{notes}", icon=":material/warning:"
        )
    show(figures["honesty"], key="lab.ls_honesty")
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**1-D interpolation** (Goodfellow et al. 2015)")
        show(figures["interpolation"], key="lab.ls_interp")
    with cols[1]:
        st.markdown(
            "**Sharpness**: top Hessian eigenvalue at each solution (power iteration on "
            "exact Hessian-vector products, forward-over-backward through the network)"
        )
        show(figures["sharpness"], key="lab.ls_sharp")
