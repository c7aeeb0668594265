"""The newer optimizers in the Playground: chosen by link or by the select box, every one of
its registry hyperparameters gets a control, the race runs, and the link names it."""

import pytest

import optim

NEWER = [
    "adopt",
    "sgd_schedule_free",
    "adamw_schedule_free",
]  # the optimizers of issue 14 added so far


@pytest.mark.parametrize("name", NEWER)
def test_link_to_a_newer_optimizer_renders_its_controls_and_race(name, app_test, chart_figures):
    at = app_test(query={"r0.opt": name})
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="r0.opt").value == name
    for h in optim.OPTIMIZERS[name].hyperparameters:
        kind = at.toggle if h.scale == "bool" else None  # sliders and select sliders otherwise
        widget = (kind or _any_widget(at))(key=f"r0.{name}.{h.name}")
        assert widget.value == h.default, h.name
    race = next(f for f in chart_figures(at) if f.get("frames"))
    assert any(optim.OPTIMIZERS[name].label in (t.get("name") or "") for t in race["data"])


@pytest.mark.parametrize("name", NEWER)
def test_choosing_a_newer_optimizer_in_the_select_box_writes_the_link(name, app_test):
    at = app_test()
    at.selectbox(key="r0.opt").set_value(name).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.query_params["r0.opt"] in (name, [name])


def _any_widget(at):
    """A lookup by key over the widget kinds a number hyperparameter may use."""

    def find(key):
        for kind in (at.slider, at.select_slider, at.number_input):
            try:
                return kind(key=key)
            except KeyError:
                continue
        raise KeyError(key)

    return find
