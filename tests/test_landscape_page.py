"""The Training lab's Landscape section under AppTest: after training, every plane draws every
optimizer's path where geometry puts it, the honesty chart carries the true training loss, every
control is mirrored into the URL, and hostile links fall back with a warning."""

import numpy as np
import pytest

from viz.encode import decode

PAGE = "views/training_lab.py"
SMALL = {"n": "100", "epochs": "3", "count": "2", "ls_grid": "11"}


def _values(trace, name):
    return np.asarray(decode(trace[name]) if isinstance(trace[name], dict) else trace[name], float)


def _kept(contour) -> list[dict]:
    """The contour's per-epoch markers, one trace per optimizer, at full precision."""
    return [t for t in contour["data"] if t["name"].endswith("(kept epochs)")]


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
    paths = _kept(contour)
    assert len(paths) == 2
    for path in paths:  # the centre is θ₀, where every path starts
        assert abs(_values(path, "x")[0]) < 1e-9 and abs(_values(path, "y")[0]) < 1e-9
    assert "explained variance" in contour["layout"]["title"]["text"]
    # the page's own training kept every epoch, and the loss at those weights (float32
    # offsets from θ₀, within 2⁻²⁴ of the distance travelled) is what that training recorded
    want = at.session_state["lab.result"].histories
    true = [t for t in honesty["data"] if t["name"].endswith(": true loss")]
    for trace, history in zip(true, want, strict=True):
        assert history.path.epochs == [0, 1, 2, 3]
        np.testing.assert_allclose(_values(trace, "y"), history.train_loss, rtol=1e-6)
    assert len(sharp["data"]) == 2 and len(interp["data"]) == 3
    said = " ".join(m.value for m in at.markdown)
    assert "exact Hessian-vector products" in said and "float32 offsets from θ₀" in said


def test_through_plane_puts_the_solutions_at_its_unit_points(app_test, chart_figures):
    at = trained(app_test, {})
    at.radio(key="lab.ls_plane").set_value("through")
    at, contour, honesty, *_ = computed(at.run(), chart_figures)
    first, second = _kept(contour)
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


def test_the_contour_plays_every_kept_epoch_of_every_path(app_test, chart_figures):
    _, contour, *_ = computed(trained(app_test, {}), chart_figures)
    frames = contour["frames"]
    assert [f["name"] for f in frames] == ["0", "1", "2", "3"]
    assert frames[-1]["data"][-1]["text"][0].startswith("epoch 3")
    buttons = contour["layout"]["updatemenus"][0]["buttons"]
    assert buttons[0]["label"] == "▶ Play" and buttons[0]["args"][1]["frame"]["duration"] == 60
    assert len(contour["layout"]["sliders"][0]["steps"]) == 4
    # each frame moves each optimizer's marker to its projected point at that epoch
    kept = {t["name"].removesuffix(" (kept epochs)"): t for t in _kept(contour)}
    moving = [contour["data"][i] for i in frames[0]["traces"]]
    for epoch, frame in enumerate(frames):
        points = [
            (trace["name"], data)
            for trace, data in zip(moving, frame["data"], strict=False)
            if trace.get("mode") == "markers" and trace["name"] in kept
        ]
        assert {name for name, _ in points} == set(kept)
        for name, data in points:
            x, y = _values(kept[name], "x")[epoch], _values(kept[name], "y")[epoch]
            np.testing.assert_allclose([data["x"][0], data["y"][0]], [x, y], atol=1e-3)
    assert contour["layout"]["xaxis"]["title"]["text"].startswith("α")


class Interrupted(Exception):
    pass


def test_a_stopped_run_is_drawn_from_its_own_kept_weights(monkeypatch):
    """No training again: a run stopped between two kept epochs (Streamlit interrupts the
    script in the callback) ends its path at the weights it shows."""
    import lab
    import optim
    from ui import lab_landscape
    from ui.lab_training import LabRun

    data, network = lab.make_dataset("moons", n=120, seed=0), lab.MLP(hidden=(6,))
    seen = []

    def interrupt(progress):
        seen[:] = progress.histories
        if progress.epoch == 3:
            raise Interrupted  # as Streamlit's rerun stops the script mid-training

    opts = [("Adam", optim.adam(lr=1e-2))]
    with pytest.raises(Interrupted):
        lab.train(network, data, opts, epochs=10, batch_size=16, keep_path=2, callback=interrupt)
    run = LabRun((), network, data, ["#e4572e"], seen, epochs=10, completed=3)
    assert seen[0].path.epochs == [0]  # stride 5: nothing kept since θ₀
    monkeypatch.setattr(lab, "train", lambda *a, **k: pytest.fail("trained again"))
    (history,) = lab_landscape.kept_paths(run)
    assert history.path.epochs == [0, 3]
    travelled = np.linalg.norm(history.params - history.path.origin)
    assert np.linalg.norm(history.path[-1] - history.params) <= 2.0**-24 * travelled


def test_kept_paths_stay_within_the_memory_budget():
    """6 optimizers × 200 epochs of the default network: every epoch kept, ≤ 50 MB; larger
    networks keep fewer epochs, never more than the budget."""
    from lab import MLP
    from lab.paths import WeightPath
    from ui.lab_training import PATH_BYTES, path_points

    default = MLP().n_params
    assert path_points(6, default) == 200
    theta0 = np.zeros(default)
    path = WeightPath(theta0)
    for epoch in range(201):  # what lab.train(epochs=200, keep_path=200) keeps
        path.append(epoch, theta0 + epoch)
    assert 6 * path.nbytes + theta0.nbytes <= 50e6
    for n_params in (default, 10**5, 460_000):
        for count in (1, 6):
            points = path_points(count, n_params)
            assert 1 <= points <= 200
            assert count * (points + 2) * n_params * 4 <= PATH_BYTES
