"""Links into the Playground: given settings written in the Playground's own URL format.

Use::

    url = playground_url(surface_spec, runs, settings, trail=None, panels="side")
    playground_button(url, key="open")          # "Open in Playground ↗", in a new tab

Every value is written by ``format`` of the same ``Field`` the Playground's control reads it
back with (``ui.url_state``; ``ui.knobs.knob_field`` for registry hyperparameters, surface
parameters and numeric settings), built from the same names and limits (``ui.controls``,
``ui.race``): the URL format is defined once, by the fields. The run and surface settings are
always written; the shared ones (noise, clipping, schedule, trail, view, internals) only when
they differ from the Playground's default, so links stay short.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

import optim
import surfaces
from ui.controls import (
    CLIP_FIELD,
    CUSTOM,
    EXPRESSION_FIELD,
    INTERNALS_FIELD,
    SCHEDULE_KNOBS,
    SETTING_KNOBS,
    SURFACE_FIELD,
    colour_field,
    domain_fields,
    optimizer_field,
    runs_field,
    start_fields,
)
from ui.engine import SCHEDULES, RunSpec, Settings, SurfaceSpec, get_surface
from ui.knobs import knob_field
from ui.race import TRAILS, VIEWS
from ui.url_state import Choice, Field

PLAYGROUND_PATH = "./"  # the Playground is the default page, at the app's root

Entry = tuple[str, Field, object]  # URL key, the field that reads it, the value


def _surface_entries(spec: SurfaceSpec) -> list[Entry]:
    """``surface``; a typed surface's ``f`` and domain, or a registry surface's ``s.<name>``."""
    entries: list[Entry] = [("surface", SURFACE_FIELD, spec.name)]
    if spec.name == CUSTOM:
        (x0, x1), (y0, y1) = spec.domain or surfaces.DEFAULT_DOMAIN
        entries.append(("f", EXPRESSION_FIELD, spec.expression))
        bounds = zip(domain_fields().items(), (x0, x1, y0, y1), strict=True)
        return entries + [(key, field, value) for (key, field), value in bounds]
    parameters = {p.name: p for p in surfaces.SURFACES[spec.name].parameters}
    entries += [(f"s.{name}", knob_field(parameters[name]), v) for name, v in spec.params]
    return entries


def _start_entries(spec: SurfaceSpec, start: tuple[float, float]) -> list[Entry]:
    """``x0`` / ``y0``: the start point, inside the surface's domain."""
    fields = start_fields(get_surface(spec))
    return list(zip(("x0", "y0"), fields, start, strict=True))


def _run_entries(runs: tuple[RunSpec, ...]) -> list[Entry]:
    """``runs``, then each run's ``r<i>.opt``, hyperparameters ``r<i>.<name>`` and colour."""
    entries: list[Entry] = [("runs", runs_field(len(runs)), len(runs))]
    for index, run in enumerate(runs):
        prefix = f"r{index}"
        hypers = {h.name: h for h in optim.OPTIMIZERS[run.optimizer].hyperparameters}
        entries.append((f"{prefix}.opt", optimizer_field(run.optimizer), run.optimizer))
        entries += [(f"{prefix}.{k}", knob_field(hypers[k]), v) for k, v in run.values]
        entries.append((f"{prefix}.color", colour_field(index), run.color))
    return entries


def _shared_entries(
    settings: Settings, trail: int | None, panels: str, internals: bool
) -> list[Entry]:
    """Noise and seed, clipping, schedule, trail, view and internals (see the module)."""
    knobs = {key: knob_field(knob) for key, knob in SETTING_KNOBS.items()}
    entries: list[Entry] = [
        ("noise", knobs["noise"], settings.noise),
        ("seed", knobs["seed"], settings.seed),
        ("clip", CLIP_FIELD, settings.clip),
        ("schedule", Choice("constant", tuple(SCHEDULES)), settings.schedule),
        ("trail", Choice("10", TRAILS), "full" if trail is None else str(trail)),
        ("view", Choice("overlay", tuple(VIEWS)), panels),
        ("internals", INTERNALS_FIELD, internals),
    ]
    if settings.clip != "none":
        entries.append(("clip_at", knobs["clip_at"], settings.clip_at))
    schedule_knobs = SCHEDULE_KNOBS.get(settings.schedule, {})
    entries += [
        (f"sched.{settings.schedule}.{name}", knob_field(schedule_knobs[name]), value)
        for name, value in settings.schedule_params
    ]
    return entries


def playground_query(
    surface: SurfaceSpec,
    runs: tuple[RunSpec, ...],
    settings: Settings,
    trail: int | None = 10,
    panels: str = "overlay",
    internals: bool = False,
) -> dict[str, str]:
    """The Playground's query parameters for exactly these settings (``trail`` None: the
    whole path); see the module docstring."""
    always = [*_surface_entries(surface), *_start_entries(surface, settings.start)]
    always += [("steps", knob_field(SETTING_KNOBS["steps"]), settings.steps)]
    always += _run_entries(tuple(runs))
    query = {key: field.format(value) for key, field, value in always}
    for key, field, value in _shared_entries(settings, trail, panels, internals):
        if field.format(value) != field.format(field.default):
            query[key] = field.format(value)
    return query


def playground_url(
    surface: SurfaceSpec,
    runs: tuple[RunSpec, ...],
    settings: Settings,
    trail: int | None = 10,
    panels: str = "overlay",
    internals: bool = False,
) -> str:
    """A relative link that opens the Playground on these settings."""
    query = playground_query(surface, runs, settings, trail, panels, internals)
    return f"{PLAYGROUND_PATH}?{urlencode(query)}"


def playground_button(url: str, key: str) -> None:
    """An "Open in Playground" link button (a new tab) carrying the settings in its URL."""
    st.link_button("Open in Playground ↗", url, key=key, help="The same settings, editable.")
