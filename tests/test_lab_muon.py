"""Muon + AdamW in the Training lab: Muon on the network's hidden weight matrices, AdamW on the
rest, next to plain AdamW; the Playground offers plain Muon but not Muon + AdamW."""

import numpy as np

import lab
import optim
from optim.orthogonalize import newton_schulz
from viz.encode import decode

SPEC = optim.OPTIMIZERS["muon_adamw"]


def test_training_with_muon_adamw_runs_finite_and_brings_the_loss_down():
    network = lab.MLP()  # the article's 2-25-50-50-25-1: hidden matrices W2, W3, W4
    data = lab.make_dataset("moons", n=400, noise=0.2, seed=0, test_fraction=0.25)
    both = SPEC.build(layout=network.layout, **SPEC.library_defaults())
    all_adamw = SPEC.build(**SPEC.library_defaults())  # no layout: AdamW with α_AdamW on all
    result = lab.train(
        network, data, [("Muon + AdamW", both), ("AdamW only", all_adamw)], epochs=20, batch_size=64
    )
    muon_run, adamw_run = result.histories
    assert muon_run.diverged_at is None and np.all(np.isfinite(muon_run.params))
    assert np.all(np.isfinite(muon_run.train_loss))
    assert muon_run.train_loss[-1] < 0.5 * muon_run.train_loss[0]
    # Muon moved the hidden matrices: by more than AdamW at α_AdamW = 3e-4 did
    theta0 = network.init(0)
    w3 = network.layout.views["W3"]
    moved = [np.linalg.norm(w3.of(h.params) - w3.of(theta0)) for h in (muon_run, adamw_run)]
    assert moved[0] > 3 * moved[1]
    assert muon_run.train_loss[-1] < adamw_run.train_loss[-1]


def training_losses(curves: dict) -> list[np.ndarray]:
    return [
        decode(t["y"])
        for t in curves["data"]
        if t["yaxis"] == "y" and t["line"]["dash"] == "solid" and t["mode"] == "lines"
    ]


def test_the_lab_page_trains_muon_adamw_as_the_library_does(app_test, chart_figures):
    query = {"n": "100", "epochs": "3", "count": "2", "o0.opt": "muon_adamw", "o1.opt": "adamw"}
    at = app_test("views/training_lab.py", query=query)
    assert at.selectbox(key="o0.opt").value == "muon_adamw"
    labels = [panel.proto.popover.label for panel in at.get("popover")][:2]
    assert labels == ["1 · Muon + AdamW α=0.02", "2 · AdamW α=0.001"]
    at.button(key="lab.train").click()
    at = at.run()
    assert not at.exception and not at.error
    _, curves, *_ = chart_figures(at)
    network = lab.MLP()
    data = lab.make_dataset("moons", n=100, noise=0.2, seed=0, test_fraction=0.25)
    library = lab.train(
        network,
        data,
        [
            ("muon_adamw", optim.muon_adamw(layout=network.layout)),
            ("adamw", optim.adamw()),
        ],
        epochs=3,
        batch_size=64,
        seed=0,
    ).histories
    for shown, history in zip(training_losses(curves), library, strict=True):
        np.testing.assert_allclose(shown, history.train_loss, rtol=1e-12)


def test_the_playground_offers_muon_but_not_muon_adamw(app_test):
    at = app_test()
    options = at.selectbox(key="r0.opt").options
    assert "Muon" in options and "Muon + AdamW" not in options
    at = app_test(query={"r0.opt": "muon_adamw"})
    assert not at.exception
    assert at.selectbox(key="r0.opt").value != "muon_adamw"


def test_a_sweep_trial_of_muon_adamw_gets_the_networks_layout():
    """The sweep's worker builds each trial's optimizer for the trial's own network."""
    from lab.sweep.spec import SweepSpec
    from lab.sweep.trial import trial_inputs

    spec = SweepSpec(optimizers=("muon_adamw",), grid={"lr": (0.02,)}, seeds=(0,), hidden=(4, 6, 5))
    (record,) = spec.trials()
    network, _, opt = trial_inputs(record)
    theta = network.init(0)
    grad = np.random.default_rng(1).normal(size=theta.shape)
    update, _ = opt.update(grad, opt.init(theta), theta)
    w2 = network.layout.views["W2"]  # hidden, seen 6×4: Muon's first step from m₀ = 0
    nesterov = 0.05 * grad + 0.95 * (0.05 * grad)
    expected = -0.02 * newton_schulz(w2.of(nesterov)) * np.sqrt(6 / 4)
    np.testing.assert_allclose(w2.of(update), expected, rtol=1e-12)
    # AdamW's first step on the output layer: −α_AdamW·g/(|g| + ε), that is −α_AdamW·sign(g)
    output = network.layout.views["W4"]
    np.testing.assert_allclose(output.of(update), -3e-4 * np.sign(output.of(grad)), rtol=1e-9)
