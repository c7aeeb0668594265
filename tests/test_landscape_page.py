"""The Training lab's Landscape section under AppTest: after training, every plane draws every
optimizer's path where geometry puts it, the honesty chart carries the true training loss, every
control is mirrored into the URL, and hostile links fall back with a warning."""

import numpy as np

from viz.encode import decode

PAGE = "views/training_lab.py"
SMALL = {"n": "100", "epochs": "3", "count": "2", "ls_grid": "11"}


def _values(trace, name):
    return np.asarray(decode(trace[name]) if isinstance(trace[name], dict) else trace[name], float)


def computed(at, chart_figures):
    at.button(key="lab.ls_go").click()
    at = at.run()
    assert not at.exception and not at.error
    contour, honesty, interp, sharp = chart_figures(at)[-4:]
    return at, contour, honesty, interp, sharp


def trained(app_test, query):
    at = app_test(PAGE, query={**SMALL, **query}, timeout=120)
    assert any("Train with the current settings" in c.value for c in at.caption)
    at.button(key="lab.train").click()
    return at.run()


def test_pca_plane_paths_start_at_the_centre_and_carry_the_true_loss(app_test, chart_figures):
    at, contour, honesty, interp, sharp = computed(trained(app_test, {}), chart_figures)
    paths = [t for t in contour["data"] if t["mode"] == "lines+markers"]
    assert len(paths) == 2
    for path in paths:  # the centre is θ₀, where every path starts
        assert abs(_values(path, "x")[0]) < 1e-9 and abs(_values(path, "y")[0]) < 1e-9
    assert "explained variance" in contour["layout"]["title"]["text"]
    # the loss at the kept weights equals what the page's own training recorded
    want = at.session_state["lab.result"].histories
    true = [t for t in honesty["data"] if t["name"].endswith(": true loss")]
    for trace, history in zip(true, want, strict=True):
        np.testing.assert_allclose(_values(trace, "y"), history.train_loss, rtol=1e-9)
    assert len(sharp["data"]) == 2 and len(interp["data"]) == 3


def test_through_plane_puts_the_solutions_at_its_unit_points(app_test, chart_figures):
    at = trained(app_test, {})
    at.radio(key="lab.ls_plane").set_value("through")
    at, contour, honesty, *_ = computed(at.run(), chart_figures)
    first, second = [t for t in contour["data"] if t["mode"] == "lines+markers"]
    np.testing.assert_allclose(
        [_values(first, "x")[-1], _values(first, "y")[-1]], [1, 0], atol=1e-9
    )
    np.testing.assert_allclose(
        [_values(second, "x")[-1], _values(second, "y")[-1]], [0, 1], atol=1e-9
    )
    shares = [t for t in honesty["data"] if t.get("yaxis") == "y2"]
    assert all(abs(_values(t, "y")[-1]) < 1e-9 for t in shares)  # both ends lie in the plane
    assert at.query_params["ls_plane"] == "through"


def test_every_control_is_in_the_link_and_a_changed_setting_asks_to_compute(
    app_test, chart_figures
):
    at = trained(app_test, {})
    at, *_ = computed(at, chart_figures)
    changes = [
        ("radio", "lab.ls_plane", "through", "ls_plane", "through"),
        ("selectbox", "lab.ls_a", "1", "ls_a", "1"),
        ("selectbox", "lab.ls_b", "0", "ls_b", "0"),
        ("radio", "lab.ls_plane", "random", "ls_plane", "random"),
        ("number_input", "lab.ls_seed", 7, "ls_seed", "7"),
        ("radio", "lab.ls_bias", "normalized", "ls_bias", "normalized"),
        ("selectbox", "lab.ls_centre", "1", "ls_centre", "1"),
        ("radio", "lab.ls_split", "test", "ls_split", "test"),
        ("slider", "lab.ls_grid", 15, "ls_grid", "15"),
    ]
    for kind, key, value, url_key, url_text in changes:
        getattr(at, kind)(key=key).set_value(value)
        at = at.run()
        assert not at.exception and not at.error, key
        assert at.query_params[url_key] == url_text, key
    assert any("Press **Compute landscape**" in c.value for c in at.caption)
    at, contour, _, interp, _ = computed(at, chart_figures)
    assert contour["layout"]["xaxis"]["range"] == [-1.0, 1.0]  # random directions: [−1, 1]²
    assert interp["data"][-1]["name"].startswith("2 · Nesterov momentum α=0.01 → 1 · ")
    assert "seed 7, biases normalized" in contour["layout"]["title"]["text"]


def test_a_linked_landscape_survives_training(app_test):
    query = {"ls_plane": "through", "ls_grid": "21", "ls_b": "0", "ls_split": "test"}
    at = trained(app_test, query)
    assert not at.warning
    assert at.radio(key="lab.ls_plane").value == "through"
    assert at.slider(key="lab.ls_grid").value == 21
    assert at.selectbox(key="lab.ls_b").value == "0"
    assert at.radio(key="lab.ls_split").value == "test"
    assert at.query_params["ls_plane"] == "through" and at.query_params["ls_grid"] == "21"


def test_hostile_landscape_links_fall_back_with_a_warning(app_test):
    at = trained(app_test, {"ls_plane": "evil()", "ls_grid": "100000", "ls_seed": "-3"})
    assert not at.exception
    warning = at.warning[0].value
    for name in ("ls_plane", "ls_grid", "ls_seed"):
        assert f"`{name}`" in warning
    assert "not a setting of this view" not in warning and "outside [11, 101]" in warning
    assert at.radio(key="lab.ls_plane").value == "pca"
    assert at.slider(key="lab.ls_grid").value == 41


def test_a_stopped_run_is_retraced_only_as_far_as_it_trained():
    """Retraining for the paths must end at the weights the stopped run shows, not go on."""
    import lab
    import optim
    from ui.lab_landscape import paths_of
    from ui.lab_training import LabRun

    data, network = lab.make_dataset("moons", n=120, seed=0), lab.MLP(hidden=(6,))
    optimizers = [("Adam", optim.adam(lr=1e-2), "#e4572e", ())]
    stopped = lab.train(network, data, [optimizers[0][:2]], epochs=3, batch_size=16, seed=4)
    run = LabRun((), network, data, ["#e4572e"], stopped.histories, epochs=10, completed=3)
    (history,) = paths_of(run, optimizers, 16, 4)
    np.testing.assert_array_equal(history.path[-1], stopped.histories[0].params)
