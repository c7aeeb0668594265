"""lab.train: learns the moons, is reproducible and fair, marks divergence, stops on request,
and refuses bad settings with a clear message."""

import math

import numpy as np
import pytest

import optim
from lab import MLP, History, make_dataset, train

SMALL = MLP((8, 8))


@pytest.fixture(scope="module")
def moons():
    return make_dataset("moons", n=120, seed=0)


def test_adam_reaches_95_percent_on_the_default_moons_within_200_epochs():
    data = make_dataset()  # two moons, 1000 points, noise 0.2, a quarter held out
    result = train(MLP(), data, [("Adam", optim.adam(lr=1e-3))], epochs=200, batch_size=64)
    history = result.histories[0]
    assert history.epochs[-1] == 200 and history.diverged_at is None
    assert max(history.test_accuracy) >= 0.95
    assert history.test_accuracy[-1] >= 0.95


def test_full_batch_gd_is_plain_gradient_descent_on_the_training_loss(moons):
    result = train(SMALL, moons, [("GD", optim.gd(lr=0.5))], epochs=5, seed=3)
    params = SMALL.init(3)
    for _ in range(5):
        params = params - 0.5 * SMALL.loss_and_grad(params, moons.x_train, moons.y_train)[1]
    np.testing.assert_allclose(result.histories[0].params, params, rtol=1e-12)
    assert result.histories[0].train_loss[-1] == pytest.approx(
        SMALL.loss(params, moons.x_train, moons.y_train), rel=1e-12
    )


class Counting:
    """Wraps an optimizer and counts its update calls (steps per epoch = number of batches)."""

    def __init__(self, opt):
        self.opt, self.calls = opt, 0

    def init(self, params):
        return self.opt.init(params)

    def update(self, grads, state, params):
        self.calls += 1
        return self.opt.update(grads, state, params)


@pytest.mark.parametrize(("batch_size", "steps"), [(None, 1), (90, 1), (32, 3), (7, 13), (1, 90)])
def test_an_epoch_is_one_pass_over_the_training_points(moons, batch_size, steps):
    counter = Counting(optim.gd(lr=0.1))
    train(SMALL, moons, [("GD", counter)], epochs=2, batch_size=batch_size)
    assert len(moons.y_train) == 90
    assert counter.calls == 2 * steps


def test_fixed_seed_gives_identical_results_and_every_optimizer_sees_the_same_batches(moons):
    def run(seed):
        return train(
            SMALL,
            moons,
            [
                ("Adam", optim.adam(lr=1e-2)),
                ("Adam again", optim.adam(lr=1e-2)),
                ("GD", optim.gd(lr=0.1)),
            ],
            epochs=4,
            batch_size=16,
            seed=seed,
        ).histories

    first, second, other = run(7), run(7), run(8)
    for a, b in zip(first, second, strict=True):
        assert a.train_loss == b.train_loss and a.test_accuracy == b.test_accuracy
        assert np.array_equal(a.params, b.params)
    # the same optimizer twice gives the same curve: same weights, same batches, same order
    assert first[0].train_loss == first[1].train_loss
    assert first[0].train_loss != first[2].train_loss
    # every optimizer starts from the same weights: the epoch-0 records agree
    assert len({(h.train_loss[0], h.test_loss[0]) for h in first}) == 1
    assert first[0].train_loss != other[0].train_loss


def test_a_diverging_optimizer_is_marked_and_the_others_finish(moons):
    result = train(
        SMALL,
        moons,
        [
            ("Adam", optim.adam(lr=1e-2)),
            ("GD lr 1e12", optim.gd(lr=1e12)),
            ("GD", optim.gd(lr=0.1)),
        ],
        epochs=6,
        batch_size=30,
    )
    adam, wild, gd = result.histories
    assert wild.diverged_at is not None and wild.diverged_at <= 6
    assert wild.epochs[-1] == wild.diverged_at - 1  # its record stops before that epoch
    assert np.abs(wild.params).max() <= 1e6 and all(map(math.isfinite, wild.train_loss))
    assert wild.train_loss[-1] == SMALL.loss(wild.params, moons.x_train, moons.y_train)
    for history in (adam, gd):
        assert history.diverged_at is None and history.epochs == list(range(7))
    assert result.completed == 6 and not result.stopped


def test_callback_sees_every_epoch_and_stop_keeps_what_was_trained(moons):
    seen = []
    result = train(
        SMALL,
        moons,
        [("GD", optim.gd(lr=0.1)), ("Adam", optim.adam(lr=1e-2))],
        epochs=50,
        callback=lambda p: seen.append((p.epoch, p.epochs)),
        should_stop=lambda: len(seen) > 3,
    )
    assert seen == [(0, 50), (1, 50), (2, 50), (3, 50)]
    assert result.stopped and result.completed == 3
    for history in result.histories:
        assert history.epochs == [0, 1, 2, 3]
        assert np.all(np.diff(history.seconds) >= 0)
        assert history.train_loss[-1] == pytest.approx(
            SMALL.loss(history.params, moons.x_train, moons.y_train), rel=1e-12
        )


def test_reached_reports_the_first_epoch_at_or_below_the_target():
    history = History(
        "x", epochs=[0, 1, 2, 3], seconds=[0.0, 0.5, 1.0, 1.5], train_loss=[0.7, 0.4, 0.2, 0.3]
    )
    assert history.reached(0.4) == (1, 0.5)
    assert history.reached(0.25) == (2, 1.0)
    assert history.reached(0.1) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"optimizers": []}, "at least one optimizer"),
        ({"epochs": 0}, "epochs: must be a whole number ≥ 1"),
        ({"batch_size": 0}, "batch_size: must be a whole number ≥ 1"),
        ({"batch_size": 91}, "batch_size: 91 is larger than the 90 training points"),
    ],
)
def test_bad_training_settings_give_a_clear_message(moons, kwargs, message):
    settings = {"optimizers": [("GD", optim.gd(lr=0.1))], "epochs": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        train(SMALL, moons, **settings)


def test_non_finite_data_or_initial_loss_is_refused(moons):
    opts = [("GD", optim.gd(lr=0.1))]
    holed = moons._replace(x_test=np.where(np.arange(30)[:, None] == 4, np.nan, moons.x_test))
    with pytest.raises(ValueError, match="x_test contains values that are not finite"):
        train(SMALL, holed, opts, epochs=1)
    # finite points whose logits overflow at the initial weights (checked first, independently)
    with np.errstate(all="ignore"):
        huge = moons._replace(x_train=np.clip(moons.x_train * 1e308, -1.7e308, 1.7e308))
        assert np.isfinite(huge.x_train).all()
        assert not np.isfinite(SMALL.loss(SMALL.init(0), huge.x_train, huge.y_train))
    with pytest.raises(ValueError, match="loss: not finite at the initial weights"):
        train(SMALL, huge, opts, epochs=1)
