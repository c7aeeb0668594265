"""The training lab page under AppTest: renders, every control works, training shows its
results, bad settings and hostile links give messages and never an exception."""

import itertools

import numpy as np

import lab
import optim
from viz.encode import decode

PAGE = "views/training_lab.py"
SMALL = {"n": "100", "epochs": "3", "count": "2"}  # 75 training points, 3 epochs, 2 optimizers


def training_losses(curves: dict) -> list[np.ndarray]:
    """The solid training-loss curve of each optimizer (left panel, solid line)."""
    return [
        decode(t["y"])
        for t in curves["data"]
        if t["yaxis"] == "y" and t["line"]["dash"] == "solid" and t["mode"] == "lines"
    ]


def train(at):
    at.button(key="lab.train").click()
    return at.run()


def summary(at, markdown_rows) -> list[dict[str, str]]:
    """The summary table's rows as text, read back by a CommonMark parser."""
    (text,) = [m.value for m in at.markdown if m.value.startswith("| optimizer |")]
    return markdown_rows(text)


def test_default_page_renders_the_data_and_waits_for_train(app_test, chart_figures):
    at = app_test(PAGE)
    assert not at.exception and not at.error and not at.warning
    assert "Press **Train**" in at.info[0].value
    (data,) = chart_figures(at)
    shown = np.concatenate([decode(t["x"]) for t in data["data"]])
    assert shown.size == 1000  # the default two moons: 1000 points, train and test
    labels = [panel.proto.popover.label for panel in at.get("popover")]
    assert labels == [
        "1 · Gradient descent α=0.01",
        "2 · Nesterov momentum α=0.01",
        "3 · RMSProp α=0.01",
        "4 · Adam α=0.001",
    ]


def test_optimizers_start_at_pytorchs_defaults_not_the_surface_ones(app_test):
    at = app_test(PAGE)
    # torch.optim.Adam: lr=1e-3, betas=(0.9, 0.999); torch.optim.RMSprop: lr=1e-2, alpha=0.99
    assert at.select_slider(key="o3.adam.lr").value == 1e-3
    assert at.slider(key="o3.adam.beta2").value == 0.999
    assert at.select_slider(key="o2.rmsprop.lr").value == 1e-2
    assert at.slider(key="o2.rmsprop.alpha").value == 0.99
    assert optim.OPTIMIZERS["adam"].defaults()["lr"] != 1e-3  # so the override is visible


def test_train_shows_curves_summary_and_boundaries_matching_the_library(
    app_test, chart_figures, markdown_rows
):
    at = train(app_test(PAGE, query=SMALL))
    assert not at.exception and not at.error
    _, curves, boundaries = chart_figures(at)
    # the same run straight from the library: same data, network, optimizers, seed
    data = lab.make_dataset("moons", n=100, noise=0.2, seed=0, test_fraction=0.25)
    expected = lab.train(
        lab.MLP(),
        data,
        [("gd", optim.gd(lr=0.01)), ("nesterov", optim.nesterov(lr=0.01, momentum=0.9))],
        epochs=3,
        batch_size=64,
        seed=0,
    ).histories
    train_losses = training_losses(curves)
    for shown, history in zip(train_losses, expected, strict=True):
        np.testing.assert_allclose(shown, history.train_loss, rtol=1e-12)
    rows = summary(at, markdown_rows)
    assert [row["optimizer"] for row in rows] == [
        "1 · Gradient descent α=0.01",
        "2 · Nesterov momentum α=0.01",
    ]
    accuracy = [float(row["final test accuracy"].rstrip("%")) / 100 for row in rows]
    np.testing.assert_allclose(accuracy, [h.test_accuracy[-1] for h in expected], atol=5e-4)
    assert [row["final training loss"] for row in rows] == [
        f"{h.train_loss[-1]:.4g}" for h in expected
    ]
    assert sum(t["type"] == "contour" for t in boundaries["data"]) == 2


def test_the_same_optimizer_twice_learns_identically(app_test, chart_figures, markdown_rows):
    at = app_test(PAGE, query={**SMALL, "o0.opt": "adam", "o1.opt": "adam"})
    at = train(at)
    assert not at.exception
    names = [row["optimizer"] for row in summary(at, markdown_rows)]
    assert names == ["1 · Adam α=0.001", "2 · Adam α=0.001"]
    curves = chart_figures(at)[1]
    first, second = training_losses(curves)
    np.testing.assert_array_equal(first, second)


def test_the_default_optimizers_draw_curves_that_do_not_coincide(app_test, chart_figures):
    """Two loss curves within 2 % of each other at most epochs are drawn on top of each other,
    as the article's averaged momentum at gradient descent's α did (its curve hid GD's)."""
    at = train(app_test(PAGE, query={"epochs": "30"}))  # every optimizer at its default
    assert not at.exception and not at.error
    curves = training_losses(chart_figures(at)[1])
    assert len(curves) == 4
    for (i, a), (j, b) in itertools.combinations(enumerate(curves), 2):
        together = np.mean(np.abs(a[1:] / b[1:] - 1) < 0.02)  # epoch 0 is shared: same weights
        assert together < 0.5, (
            f"optimizers {i + 1} and {j + 1} coincide at {together:.0%} of epochs"
        )
    note = " ".join(caption.value for caption in at.caption)
    assert "at gradient descent's α it moves at gradient descent's speed" in note


# (widget kind, key, new value, URL name, URL text): every control is changed once, in turn.
CHANGES = [
    ("selectbox", "lab.data", "spiral", "data", "spiral"),
    ("slider", "lab.n", 300, "n", "300"),
    ("slider", "lab.noise.spiral", 0.1, "noise", "0.1"),
    ("slider", "lab.test", 0.4, "test", "0.4"),
    ("slider", "lab.data_seed", 5, "data_seed", "5"),
    ("text_input", "lab.hidden", "8, 8", "hidden", "8, 8"),
    ("radio", "lab.act", "tanh", "act", "tanh"),
    ("slider", "lab.epochs", 4, "epochs", "4"),
    ("slider", "lab.batch_size", 16, "batch_size", "16"),
    ("radio", "lab.batch", "full", "batch", "full"),
    ("slider", "lab.seed", 3, "seed", "3"),
    ("select_slider", "lab.target", 0.3, "target", "0.3"),
    ("number_input", "lab.count", 3, "count", "3"),
    ("selectbox", "o0.opt", "lion", "o0.opt", "lion"),
    ("select_slider", "o1.nesterov.lr", 0.1, "o1.lr", "0.1"),
    ("color_picker", "o2.color", "#123456", "o2.color", "#123456"),
    ("radio", "lab.clock", "seconds", "clock", "seconds"),
]


def test_every_control_changes_the_page_and_the_link(app_test, chart_figures, markdown_rows):
    at = app_test(PAGE, query={"epochs": "2"})
    for kind, key, value, url_key, url_text in CHANGES:
        getattr(at, kind)(key=key).set_value(value)
        at.run()
        assert not at.exception and not at.error, key
        assert at.query_params[url_key] == url_text, key
    at = train(at)
    assert not at.exception and not at.error
    rows = summary(at, markdown_rows)
    assert [row["optimizer"] for row in rows] == [
        "1 · Lion α=0.0001",
        "2 · Nesterov momentum α=0.1",
        "3 · RMSProp α=0.01",
    ]
    assert {row["status"] for row in rows} == {"4 epochs"}
    _, curves, boundaries = chart_figures(at)
    assert curves["layout"]["xaxis"]["title"]["text"] == "training time (s)"
    assert sum(t["type"] == "contour" for t in boundaries["data"]) == 3
    assert sum(t["line"]["color"] == "#123456" for t in curves["data"] if "line" in t) == 4


def test_a_diverging_optimizer_is_marked_while_the_other_finishes(
    app_test, chart_figures, markdown_rows
):
    query = {"n": "400", "epochs": "8", "count": "2", "o0.opt": "sgd", "o0.lr": "1",
             "o0.momentum": "0.9", "o1.opt": "adam"}  # fmt: skip
    at = train(app_test(PAGE, query=query))
    assert not at.exception
    badges = [m.value for m in at.markdown if not m.value.startswith("| optimizer |")]
    (badge,) = [text for text in badges if "diverged in epoch" in text]
    assert "1 · SGD (PyTorch) α=1" in badge
    status = [row["status"] for row in summary(at, markdown_rows)]
    assert status[0].startswith("diverged in epoch") and status[1] == "8 epochs"
    markers = [t for t in chart_figures(at)[1]["data"] if t["mode"] == "markers+text"]
    assert len(markers) == 2 and markers[0]["text"][0].startswith("diverged in epoch")


def test_links_stay_short_and_keep_a_value_equal_to_the_registry_default(app_test):
    at = app_test(PAGE)
    assert not at.query_params  # the slots' PyTorch defaults are not written out
    at.select_slider(key="o3.adam.lr").set_value(optim.OPTIMIZERS["adam"].defaults()["lr"])
    at.run()
    assert at.query_params["o3.lr"] == "0.05"
    again = app_test(PAGE, query={"o3.lr": "0.05"})
    assert again.select_slider(key="o3.adam.lr").value == 0.05
    assert again.select_slider(key="o2.rmsprop.lr").value == 0.01  # others keep their defaults


def test_a_link_restores_the_settings(app_test):
    query = {
        "data": "xor",
        "hidden": "16-16",
        "act": "tanh",
        "epochs": "7",
        "batch": "one",
        "o0.opt": "adam",
        "o0.lr": "0.01",
        "clock": "seconds",
    }
    at = app_test(PAGE, query=query)
    assert not at.warning
    assert at.selectbox(key="lab.data").value == "xor"
    assert at.text_input(key="lab.hidden").value == "16-16"
    assert at.radio(key="lab.act").value == "tanh"
    assert at.slider(key="lab.epochs").value == 7
    assert at.radio(key="lab.batch").value == "one"
    assert at.selectbox(key="o0.opt").value == "adam"
    assert at.select_slider(key="o0.adam.lr").value == 0.01
    assert at.radio(key="lab.clock").value == "seconds"


def test_typed_widths_that_cannot_be_used_show_the_reason(app_test):
    at = app_test(PAGE, query={"hidden": "25, 0"})
    assert not at.exception
    assert "layer 2 has width 0" in at.error[0].value


def test_a_batch_larger_than_the_training_data_is_explained_not_raised(app_test):
    at = train(app_test(PAGE, query={**SMALL, "batch_size": "512"}))
    assert not at.exception
    assert "512 is larger than the 75 training points" in at.error[0].value
    assert not [m for m in at.markdown if m.value.startswith("| optimizer |")]


HOSTILE = {
    "data": "../../etc/passwd",
    "n": "1e309",
    "noise": "nan",
    "hidden": "__import__('os').system('x')",
    "act": "sigmoid",
    "epochs": "-5",
    "batch": "all",
    "batch_size": "inf",
    "target": "0",
    "count": "99",
    "o0.opt": "<script>",
    "o0.lr": "1e309",
    "clock": "x" * 5000,
}


def test_hostile_links_fall_back_with_a_warning(app_test):
    at = app_test(PAGE, query=HOSTILE)
    assert not at.exception
    warning = at.warning[0].value
    for name in ("data", "n", "noise", "act", "epochs", "batch", "count", "o0.opt", "clock"):
        assert f"`{name}`" in warning
    assert at.selectbox(key="lab.data").value == "moons"
    assert at.slider(key="lab.epochs").value == 100
    assert "not a whole number" in at.error[0].value  # the typed widths, shown, never run
