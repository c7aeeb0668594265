"""Playground controls built from registry metadata, every one mirrored into the URL.

Use (inside a page, after ``url = UrlState.begin()``)::

    surface_spec, surface = surface_picker(url, st.sidebar)         # groups, params, f(x, y)
    run = optimizer_controls(url, "r0", default="adam", color="#e4572e")   # one run -> RunSpec
    runs = runs_editor(url, defaults=("gd", "momentum", "adam"))     # up to MAX_RUNS runs
    settings = run_settings(url, surface, st.sidebar)               # start, steps, noise, ...

Keys: a run's widgets live under its prefix (``r0.opt``, ``r0.adam.lr``, ``r0.color``) and
appear in the URL as ``r0.opt``, ``r0.lr``, ``r0.color``; the surface as ``surface``,
``s.<param>``, ``f``, ``xmin``/``xmax``/``ymin``/``ymax``; the start as ``x0``/``y0``.
"""

from __future__ import annotations

import re
from collections import Counter

import streamlit as st

import optim
import surfaces
from ui.engine import SCHEDULES, RunSpec, Settings, SurfaceSpec, build_optimizer, get_surface
from ui.knobs import Knob, knob_value, knob_widget
from ui.url_state import Choice, Color, Flag, Number, Text, UrlState, has_state
from viz.trajectory import PALETTE

MAX_RUNS = 8
MAX_STEPS = 2000
CUSTOM = "custom"
DEFAULT_EXPRESSION = "x**2 + 3*y**2 + sin(3*x)"
DOMAIN_LIMIT = 1000.0
SURFACE_NAMES = (*surfaces.SURFACES, CUSTOM)
CLIPS = {"none": "none", "value": "by value (each coordinate)", "norm": "by norm (whole gradient)"}
NOISE_HELP = "Adds σ·ξ, ξ ~ N(0, 1), to each gradient: a stand-in for mini-batch noise."
SETTING_KNOBS = {  # the numeric settings every run shares
    "steps": Knob("steps", 300, 1, MAX_STEPS, "int"),
    "noise": Knob("gradient noise σ", 0.0, 0.0, 5.0, "linear", NOISE_HELP),
    "seed": Knob("noise seed", 0, 0, 9999, "int"),
    "clip_at": Knob("clip at", 1.0, 0.01, 100.0, "log"),
}

# ---------------------------------------------------------------- the URL fields of the controls
# What a link may set each control to: the controls read with these, and ui.playground_link
# writes with them, so the Playground's URL format is defined here once.

SURFACE_FIELD = Choice(SURFACE_NAMES[0], SURFACE_NAMES)
EXPRESSION_FIELD = Text(DEFAULT_EXPRESSION, 300)
CLIP_FIELD = Choice("none", tuple(CLIPS))
INTERNALS_FIELD = Flag(False)  # ``internals``: draw what the optimizers keep (optim.internals)
INTERNALS_STYLES = (
    "In each run's colour: Schedule-Free's z dashed and its reported average x dotted, "
    "Lookahead's slow weights a hollow circle, SAM's probe point a hollow diamond."
)
INTERNALS_HELP = (
    "Show what an optimizer keeps besides its path. " + INTERNALS_STYLES + " Prodigy's "
    "step-size estimate d is drawn over the steps in a chart below."
)


def domain_fields() -> dict[str, Number]:
    """``xmin``, ``xmax``, ``ymin``, ``ymax`` of a typed surface's domain."""
    (x0, x1), (y0, y1) = surfaces.DEFAULT_DOMAIN
    defaults = {"xmin": x0, "xmax": x1, "ymin": y0, "ymax": y1}
    return {name: Number(d, -DOMAIN_LIMIT, DOMAIN_LIMIT) for name, d in defaults.items()}


def start_fields(surface) -> tuple[Number, Number]:
    """``x0`` and ``y0``: inside the surface's domain, its own start by default."""
    return tuple(
        Number(float(default), float(low), float(high))
        for default, (low, high) in zip(surface.start, surface.domain, strict=True)
    )


def runs_field(count: int) -> Number:
    return Number(count, 1, MAX_RUNS, integer=True)


def optimizer_field(default: str) -> Choice:
    return Choice(default, tuple(optim.OPTIMIZERS))


def colour_field(index: int) -> Color:
    """Run ``index``'s colour, the palette's by default."""
    return Color(PALETTE[index % len(PALETTE)])


# ------------------------------------------------------------------------------ surface


def _surface_names(group: str) -> list[str]:
    return [name for name, s in surfaces.SURFACES.items() if s.group == group]


def _domain_inputs(url: UrlState, box) -> tuple[tuple[float, float], tuple[float, float]]:
    """Four number inputs for the domain of a typed surface."""
    bounds = {}
    columns = box.columns(4)
    for column, (name, field) in zip(columns, domain_fields().items(), strict=True):
        bounds[name] = url.widget(
            column.number_input,
            name,
            key=name,
            field=field,
            min_value=-DOMAIN_LIMIT,
            max_value=DOMAIN_LIMIT,
            step=0.5,
            format="%g",
        )
    return (bounds["xmin"], bounds["xmax"]), (bounds["ymin"], bounds["ymax"])


def literal_markdown(text: str) -> str:
    """``text`` escaped so Streamlit's markdown (messages, help tooltips) shows it as typed:
    a backslash before every ASCII punctuation character (CommonMark's escape), so ``2*x``
    is no emphasis, ``__import__`` not bold, ``$`` no formula and ``<b>`` no markup."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _custom_surface(url: UrlState, box):
    """A typed f(x, y): a typo shows the parser's message and keeps the last good surface."""
    text = url.widget(
        box.text_input,
        "f(x, y) =",
        key="f",
        field=EXPRESSION_FIELD,
        max_chars=300,
        help=literal_markdown(surfaces.SYNTAX_HELP),
    )
    domain = _domain_inputs(url, box)
    fallback = st.session_state.get(
        "_last_good_custom", (DEFAULT_EXPRESSION, surfaces.DEFAULT_DOMAIN)
    )
    (x0, x1), (y0, y1) = domain
    if not (x0 < x1 and y0 < y1):
        box.error("The domain needs xmin < xmax and ymin < ymax; showing the last good surface.")
        text, domain = fallback
    spec = SurfaceSpec(CUSTOM, expression=text.strip() or "0", domain=domain)
    try:
        surface = get_surface(spec)
    except (surfaces.ExpressionError, ValueError) as error:
        message = literal_markdown(str(error))
        box.error(f"{message}\n\nShowing the last good surface.", icon=":material/edit:")
        column = getattr(error, "column", None)
        if column is not None:  # the text as typed, and a caret under the column
            box.code(f"{spec.expression}\n{' ' * (column - 1)}^", language=None)
        spec = SurfaceSpec(CUSTOM, expression=fallback[0], domain=fallback[1])
        surface = get_surface(spec)
    st.session_state["_last_good_custom"] = (spec.expression, spec.domain)
    return spec, surface


def surface_picker(url: UrlState, box=None):
    """Group, surface, its description and parameters, or a typed expression: (spec, surface)."""
    box = box if box is not None else st
    groups = {**surfaces.GROUPS, CUSTOM: surfaces.GROUPS.get(CUSTOM, "your own f(x, y)")}
    default = SURFACE_FIELD.default
    # One URL name, ``surface``, says both the group and the surface inside it.
    chosen = url.read("surface", SURFACE_FIELD) if url.first_run else default
    chosen_group = CUSTOM if chosen == CUSTOM else surfaces.SURFACES[chosen].group
    if not has_state("surface_group"):
        st.session_state["surface_group"] = chosen_group
    group = box.radio(
        "Surface", list(groups), key="surface_group", format_func=groups.get, horizontal=True
    )
    if group == CUSTOM:
        url.mirror("surface", CUSTOM, SURFACE_FIELD)
        return _custom_surface(url, box)
    options = _surface_names(group)
    key = f"surface.{group}"
    if not has_state(key):
        st.session_state[key] = chosen if chosen in options else options[0]
    name = box.selectbox(
        "Function", options, key=key, format_func=lambda n: surfaces.SURFACES[n].label
    )
    url.mirror("surface", name, SURFACE_FIELD)
    surface = surfaces.SURFACES[name]
    box.caption(surface.description)
    values = tuple(
        (
            p.name,
            knob_widget(url, p, key=f"s.{name}.{p.name}", url_key=f"s.{p.name}", container=box),
        )
        for p in surface.parameters
    )
    spec = SurfaceSpec(name, params=values)
    return spec, get_surface(spec)


# ------------------------------------------------------------------------------ runs


def optimizer_controls(
    url: UrlState, prefix: str, *, default: str, color: str, box=None, library: bool = False
):
    """Optimizer select, its hyperparameters (from ``optim.OPTIMIZERS``, starting at the 2-D
    defaults or, with ``library``, at torch's) and a colour."""
    box = box if box is not None else st
    # Only the lab (``library``) trains networks: an optimizer that needs a network's layout
    # (Muon + AdamW) has nothing to work on in a surface's point, so the others leave it out.
    names = tuple(n for n, spec in optim.OPTIMIZERS.items() if library or not spec.needs_layout)
    name = url.choice(
        box.selectbox,
        "Optimizer",
        key=f"{prefix}.opt",
        options={n: optim.OPTIMIZERS[n].label for n in names},
        default=default,
    )
    spec = optim.OPTIMIZERS[name]
    box.caption(spec.description)
    hyperparameters = spec.hyperparameters_for(library)
    # two settings a row, so a panel with six of them (RMSProp) still fits in a window
    cells = [column for _ in range(0, len(hyperparameters) + 1, 2) for column in box.columns(2)]
    values = tuple(
        (
            h.name,
            knob_widget(
                url,
                h,
                key=f"{prefix}.{name}.{h.name}",
                url_key=f"{prefix}.{h.name}",
                container=cell,
            ),
        )
        for h, cell in zip(hyperparameters, cells, strict=False)
    )
    colour_cell = cells[len(hyperparameters)]
    chosen_color = url.widget(
        colour_cell.color_picker, "Colour", key=f"{prefix}.color", field=Color(color)
    )
    return name, values, chosen_color


def run_label(name: str, values) -> str:
    """ "Adam α=0.05": the optimizer and its learning rate, the article's way of naming runs."""
    lr = dict(values).get("lr")
    label = optim.OPTIMIZERS[name].label
    return label if lr is None else f"{label} α={lr:g}"


def _unique(labels: list[str]) -> list[str]:
    """Number repeated labels ("GD α=0.01 (2)") so legends and tables tell them apart."""
    seen: Counter[str] = Counter()
    total = Counter(labels)
    out = []
    for label in labels:
        seen[label] += 1
        out.append(f"{label} ({seen[label]})" if total[label] > 1 else label)
    return out


def run_title(url: UrlState, prefix: str, default: str, library: bool = False) -> str:
    """The run's button label, from its optimizer and learning rate as they are now (before
    its panel's widgets are built); ``library`` as in ``optimizer_controls``."""
    name = url.current(f"{prefix}.opt", optimizer_field(default))
    hyperparameters = optim.OPTIMIZERS[name].hyperparameters_for(library)
    lr = next((h for h in hyperparameters if h.name == "lr"), None)
    if lr is None:
        return run_label(name, ())
    return run_label(name, [("lr", knob_value(url, lr, f"{prefix}.{name}.lr", f"{prefix}.lr"))])


def _run_keys(index: int) -> list[str]:
    """Session keys holding run ``index``'s settings (its buttons excluded: they hold no value)."""
    prefix = f"r{index}."
    return [
        k
        for k in st.session_state
        if isinstance(k, str) and k.startswith(prefix) and not k.endswith(".remove")
    ]


def _remove_run(index: int, count: int) -> None:
    """Shift the settings of the runs after ``index`` down by one (a callback: runs before
    the widgets exist, when their state may still be written)."""
    state = st.session_state
    for later in range(index + 1, count):
        for key in _run_keys(later - 1):
            del state[key]
        for key in _run_keys(later):
            state[f"r{later - 1}." + key.split(".", 1)[1]] = state[key]
    for key in _run_keys(count - 1):
        del state[key]
    state["runs"] = count - 1


def buildable_runs(runs: list[RunSpec], settings: Settings) -> list[RunSpec]:
    """The runs whose optimizer builds with ``settings`` (building checks every value); each
    other run gets a message in the page, and the rest still race."""
    valid = []
    for run in runs:
        try:
            build_optimizer(run, settings)
            valid.append(run)
        except ValueError as error:
            st.error(f"{run.label}: {error}")
    return valid


def _add_run(count: int) -> None:
    st.session_state["runs"] = min(count + 1, MAX_RUNS)


def runs_editor(url: UrlState, defaults: tuple[str, ...]) -> list[RunSpec]:
    """A row of run buttons (each opens that run's controls), plus "add run"."""
    count_field = runs_field(len(defaults))
    url.seed("runs", count_field)
    count = int(st.session_state["runs"])
    url.mirror("runs", count, count_field)
    chosen = []
    columns = st.columns(min(count + 1, 5) if count < 8 else 4)
    for index in range(count):
        prefix = f"r{index}"
        default = defaults[index] if index < len(defaults) else "adam"
        with columns[index % len(columns)]:
            title = run_title(url, prefix, default)
            # wrap: the whole label shows (optimizer and α), on as many lines as it needs
            with st.popover(
                f"{index + 1} · {title}", width="stretch", wrap=True, key=f"panel.{prefix}"
            ):
                name, values, color = optimizer_controls(
                    url, prefix, default=default, color=colour_field(index).default
                )
                if count > 1:
                    st.button(
                        "Remove this run",
                        key=f"{prefix}.remove",
                        on_click=_remove_run,
                        args=(index, count),
                        icon=":material/delete:",
                    )
            chosen.append((name, values, color))
    if count < MAX_RUNS:
        with columns[count % len(columns)]:
            st.button(
                "Add a run", key="add_run", on_click=_add_run, args=(count,), icon=":material/add:"
            )
    labels = _unique([run_label(name, values) for name, values, _ in chosen])
    return [
        RunSpec(name, values, color, label)
        for (name, values, color), label in zip(chosen, labels, strict=True)
    ]


# ------------------------------------------------------------------------------ settings

SCHEDULE_KNOBS = {
    "step": {
        "every": Knob("every k steps", 100, 1, MAX_STEPS, "int"),
        "gamma": Knob("γ", 0.5, 0.01, 1.0, "linear"),
    },
    "exponential": {"gamma": Knob("γ (per step)", 0.99, 0.9, 1.0, "linear")},
    "warmup_cosine": {"warmup": Knob("warm-up steps", 50, 0, MAX_STEPS, "int")},
}


def start_point(url: UrlState, surface, spec: SurfaceSpec, box) -> tuple[float, float]:
    """Start coordinates (the surface's own start by default); keyed per surface and domain."""
    keys = start_keys(spec, surface)
    columns = box.columns(2)
    point = []
    fields = start_fields(surface)
    for column, key, url_key, field, axis in zip(
        columns, keys, ("x0", "y0"), fields, ("θ₁", "θ₂"), strict=True
    ):
        point.append(
            url.widget(
                column.number_input,
                f"start {axis}",
                key=key,
                url_key=url_key,
                field=field,
                min_value=field.low,
                max_value=field.high,
                step=(field.high - field.low) / 100,
                format="%.4g",
            )
        )
    return point[0], point[1]


def start_keys(spec: SurfaceSpec, surface) -> tuple[str, str]:
    """Session keys of the start point's two inputs: a pair per surface and domain, so each
    surface starts from its own start until the user moves it."""
    (x0, x1), (y0, y1) = surface.domain
    tag = f"{spec.name}.{x0:g},{x1:g},{y0:g},{y1:g}"
    return f"start.{tag}.x", f"start.{tag}.y"


def set_start_from_click(chart_key: str, keys: tuple[str, str]) -> None:
    """Click callback of the race chart (``ui.light_chart``'s value has the shape of an
    ``st.plotly_chart`` selection event): a clicked point becomes the start point."""
    event = st.session_state.get(chart_key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        x, y = points[0].get("x"), points[0].get("y")
        if isinstance(x, int | float) and isinstance(y, int | float):
            st.session_state[keys[0]], st.session_state[keys[1]] = float(x), float(y)


def start_moved(keys: tuple[str, str], start: tuple[float, float]) -> bool:
    """Whether the start point's inputs now hold another point than ``start`` (the one the
    runs were computed from): a chart click inside a fragment moved it."""
    now = tuple(st.session_state.get(key, value) for key, value in zip(keys, start, strict=True))
    return now != tuple(start)


def run_settings(url: UrlState, surface, spec: SurfaceSpec, box=None) -> Settings:
    """Start point, steps, gradient noise σ and seed, clipping and schedule shared by all runs."""
    box = box if box is not None else st
    box.markdown("**Start point** — type it, or click the chart")
    start = start_point(url, surface, spec, box)
    box.markdown("**Every run**")
    steps, noise, seed = (
        knob_widget(url, SETTING_KNOBS[key], key=key, container=box)
        for key in ("steps", "noise", "seed")
    )
    clip = url.choice(
        box.selectbox, "gradient clipping", key="clip", options=CLIPS, default=CLIP_FIELD.default
    )
    clip_at = 1.0
    if clip != "none":
        clip_at = knob_widget(url, SETTING_KNOBS["clip_at"], key="clip_at", container=box)
    schedule = url.choice(
        box.selectbox,
        "learning-rate schedule",
        key="schedule",
        options=SCHEDULES,
        default="constant",
    )
    schedule_params = tuple(
        (name, knob_widget(url, knob, key=f"sched.{schedule}.{name}", container=box))
        for name, knob in SCHEDULE_KNOBS.get(schedule, {}).items()
    )
    return Settings(
        start=start,
        steps=int(steps),
        noise=float(noise),
        seed=int(seed),
        clip=clip,
        clip_at=float(clip_at),
        schedule=schedule,
        schedule_params=schedule_params,
    )
