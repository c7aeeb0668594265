"""The Playground's "Show internals" toggle under AppTest: off by default, in the URL, and when
on the chart draws Schedule-Free's z and x (checked against the rule stepped by hand on the
surface), Lookahead's slow weights and Prodigy's d, and every frame still drives its traces."""

import numpy as np

import surfaces
from viz.encode import decode

RUNS = {"runs": "4", "r0.opt": "sgd_schedule_free", "r0.lr": "0.05", "r1.opt": "lookahead_adam"}
RUNS |= {"r2.opt": "prodigy", "r3.opt": "adam", "surface": "rosenbrock", "steps": "60"}
RUNS |= {"trail": "full"}


def race(figures, at) -> dict:
    return next(f for f in figures(at) if f.get("frames"))


def internal_names(fig) -> list[str]:
    names = [fig["data"][i]["name"] for i in fig["frames"][0]["traces"]]
    return [name for name in names if " · " in name]


def check_frames_drive_their_traces(fig) -> None:
    """Each frame sets as many traces as it names, and each a trace of the same kind."""
    for frame in fig["frames"]:
        assert len(frame["data"]) == len(frame["traces"])
        for index, data in zip(frame["traces"], frame["data"], strict=True):
            assert set(data) <= {"x", "y", "text", "marker"}
            assert ("text" in data) == (fig["data"][index]["name"] == "step counter")


def sf_sgd_by_hand(grad, start, lr, beta, steps):
    """Schedule-Free SGD (r = 0, no warm-up): z ← z − α·∇J(y); x the mean of the z's;
    y = (1−β)z + βx."""
    z = y = np.array(start, dtype=float)
    zs, xs = [z], [z]
    for _ in range(steps):
        z = z - lr * grad(y)
        zs.append(z)
        xs.append(np.mean(zs[1:], axis=0))
        y = (1 - beta) * z + beta * xs[-1]
    return np.array(zs), np.array(xs)


def test_toggle_off_by_default_then_on_draws_internals_and_writes_the_url(app_test, chart_figures):
    at = app_test(query=RUNS)
    assert not at.exception
    off = race(chart_figures, at)
    assert internal_names(off) == []
    assert at.query_params.get("internals") in (None, "0", ["0"])
    at.toggle(key="internals").set_value(True).run()
    assert not at.exception
    on = race(chart_figures, at)
    names = internal_names(on)
    assert names == [
        "Schedule-Free SGD α=0.05 · z",
        "Schedule-Free SGD α=0.05 · x (average)",
        "Lookahead (Adam) α=0.05 · slow weights",
    ]
    assert at.query_params["internals"] in ("1", ["1"])
    check_frames_drive_their_traces(on)
    check_frames_drive_their_traces(off)
    # z and x at the last frame: the trail window ends at the last step, full length 10
    rosenbrock = surfaces.SURFACES["rosenbrock"]
    zs, xs = sf_sgd_by_hand(rosenbrock.grad, rosenbrock.start, 0.05, 0.9, 60)
    last = on["frames"][-1]
    step = int(last["name"])
    drawn = dict(zip((on["data"][i]["name"] for i in last["traces"]), last["data"], strict=True))
    for name, reference in ((names[0], zs), (names[1], xs)):
        np.testing.assert_allclose(decode(drawn[name]["x"])[-1], reference[step, 0], atol=1e-3)
        np.testing.assert_allclose(decode(drawn[name]["y"])[-1], reference[step, 1], atol=1e-3)
    # Prodigy's d in its own chart, growing from d₀ = 10⁻⁶
    (d_chart,) = [f for f in chart_figures(at) if "step-size estimate" in str(f["layout"])]
    d = decode(d_chart["data"][0]["y"])
    assert d[0] == 1e-6 and d[-1] > 1e-3


def test_a_link_with_internals_opens_with_them(app_test, chart_figures):
    at = app_test(query=RUNS | {"internals": "1", "view": "side"})
    assert not at.exception
    assert at.toggle(key="internals").value is True
    fig = race(chart_figures, at)
    assert len(internal_names(fig)) == 3
    check_frames_drive_their_traces(fig)


def test_runs_without_internals_say_so(app_test):
    at = app_test(query={"internals": "1"})  # the default runs: GD, momentum, RMSProp, Adam
    assert not at.exception
    assert any("keeps internals" in c.value for c in at.caption)
