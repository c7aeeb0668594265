"""optim.partition: each view of a flat parameter vector steps with its own optimizer.

References: the same transforms run alone on each part (exact), elementwise transforms run
on the whole vector and masked (exact, for any tiling and labels), and the network's own
unflatten for the lab's named views.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lab
import optim
from optim import View


def grad_fn(theta):
    """A coupled, non-linear gradient over the whole flat vector (every part sees the others)."""
    return np.tanh(theta) + 0.3 * np.roll(theta, 1, axis=-1) - 0.2


def separable_grad(theta):
    """A gradient whose every coordinate depends on that coordinate alone."""
    return np.tanh(theta) + 0.5 * theta - 0.2


def stepped(opt, params, steps=12, gradient=grad_fn):
    state, path = opt.init(params), [params]
    for _ in range(steps):
        updates, state = opt.update(gradient(params), state, params)
        params = params + updates
        path.append(params)
    return np.array(path)


# a 3×4 matrix (seen transposed), a bias of 4, a 2×3 matrix: 12 + 4 + 6 = 22 coordinates
MATRIX, BIAS, SMALL = View(0, (3, 4), transposed=True), View(12, (4,)), View(16, (2, 3))


def alone_on_its_part(params, steps=12):
    """The reference: the whole vector stepped with each part's own optimizer run by hand on
    that part (the same gradient of the whole vector), parts glued back by index."""
    parts = [
        (MATRIX, optim.muon(lr=0.05, matrices=True)),
        (BIAS, optim.adam(lr=0.1)),
        (SMALL, optim.adam(lr=0.1)),
    ]
    states = [opt.init(view.of(params)) for view, opt in parts]
    path = [params]
    for _ in range(steps):
        g, new = grad_fn(params), params.copy()
        for i, (view, opt) in enumerate(parts):
            matrix = np.reshape(
                params[..., view.start : view.stop], (*params.shape[:-1], *view.shape)
            )
            seen = np.swapaxes(matrix, -1, -2) if view.transposed else matrix
            g_part = np.reshape(g[..., view.start : view.stop], matrix.shape)
            g_seen = np.swapaxes(g_part, -1, -2) if view.transposed else g_part
            update, states[i] = opt.update(g_seen, states[i], seen)
            update = np.swapaxes(update, -1, -2) if view.transposed else update
            new[..., view.start : view.stop] += np.reshape(update, (*params.shape[:-1], -1))
        params = new
        path.append(params)
    return np.array(path)


@pytest.mark.parametrize("batch", [(), (3,)])
def test_partition_equals_each_transform_alone_on_its_part(batch):
    params = np.random.default_rng(0).normal(size=(*batch, 22))
    opt = optim.partition(
        {"muon": optim.muon(lr=0.05, matrices=True), "adam": optim.adam(lr=0.1)},
        {MATRIX: "muon", BIAS: "adam", SMALL: "adam"},
    )
    np.testing.assert_array_equal(stepped(opt, params), alone_on_its_part(params))


ELEMENTWISE = {
    "gd": lambda: optim.gd(lr=0.1),
    "adam": lambda: optim.adam(lr=0.05),
    "sgd": lambda: optim.sgd(lr=0.02, momentum=0.9, nesterov=True),
}


@st.composite
def tilings(draw):
    """Views tiling 0..d in random sizes and shapes, each with a random elementwise label."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=6))
    labels, start = {}, 0
    for size in sizes:
        shape = draw(st.sampled_from([(size,), (1, size), (size, 1)]))
        view = View(start, shape, transposed=len(shape) == 2 and draw(st.booleans()))
        labels[view] = draw(st.sampled_from(sorted(ELEMENTWISE)))
        start += size
    return labels, start


@settings(max_examples=40, deadline=None)
@given(tiling=tilings(), seed=st.integers(0, 2**16))
def test_elementwise_transforms_partitioned_equal_each_on_the_whole_vector_masked(tiling, seed):
    """An elementwise rule does not care how the vector is cut or seen: partitioned, each
    coordinate moves exactly as under its own transform run on the whole vector (with a
    separable gradient, so that no coordinate feels how the others moved)."""
    labels, d = tiling
    params = np.random.default_rng(seed).normal(size=d)
    transforms = {name: make() for name, make in ELEMENTWISE.items()}
    partitioned = stepped(optim.partition(transforms, labels), params, gradient=separable_grad)
    owner = np.empty(d, dtype=object)
    for view, name in labels.items():
        owner[view.start : view.stop] = name
    for name, make in ELEMENTWISE.items():
        mask = owner == name
        alone = stepped(make(), params, gradient=separable_grad)
        np.testing.assert_array_equal(partitioned[:, mask], alone[:, mask])


def test_views_read_and_write_their_part():
    flat = np.arange(22.0)
    np.testing.assert_array_equal(MATRIX.of(flat), np.arange(12.0).reshape(3, 4).T)
    np.testing.assert_array_equal(BIAS.of(flat), [12.0, 13.0, 14.0, 15.0])
    out = np.zeros(22)
    MATRIX.put(out, MATRIX.of(flat))
    SMALL.put(out, SMALL.of(flat))
    np.testing.assert_array_equal(out[:12], flat[:12])
    np.testing.assert_array_equal(out[16:], flat[16:])
    assert not out[12:16].any()


@pytest.mark.parametrize(
    ("labels", "word"),
    [
        ({View(0, (2,)): "sgd"}, "not one of the transforms"),
        ({View(0, (2,)): "gd", View(3, (2,)): "gd"}, "tile"),  # a gap
        ({View(0, (3,)): "gd", View(2, (2,)): "gd"}, "tile"),  # an overlap
        ({View(1, (2,)): "gd"}, "tile"),  # not from 0
        ({}, "tile"),
    ],
)
def test_bad_labels_are_refused_when_built(labels, word):
    with pytest.raises(ValueError, match=word):
        optim.partition({"gd": optim.gd()}, labels)


def test_views_that_do_not_cover_the_params_are_refused_at_init():
    opt = optim.partition({"gd": optim.gd()}, {View(0, (2, 2)): "gd"})
    with pytest.raises(ValueError, match="cover 4 coordinates, the parameters have 5"):
        opt.init(np.zeros(5))


def test_a_transform_that_asks_for_extras_is_refused():
    sam = optim.sam(optim.gd(), rho=0.05)
    with pytest.raises(ValueError, match="asks for"):
        optim.partition({"sam": sam}, {View(0, (2,)): "sam"})


# ---------------------------------------------------------------- the lab's named views


@pytest.mark.parametrize("hidden", [(3,), (4, 6, 5), (25, 50, 50, 25)])
def test_network_layout_tiles_theta_with_its_weights_seen_as_torch_does(hidden):
    network = lab.MLP(hidden)
    layout = network.layout
    theta = network.init(2)
    starts = sorted(v.start for v in layout.views.values())
    assert starts[0] == 0 and max(v.stop for v in layout.views.values()) == network.n_params
    assert sum(v.stop - v.start for v in layout.views.values()) == network.n_params
    for i, (w, b) in enumerate(network.unflatten(theta), start=1):
        np.testing.assert_array_equal(layout.views[f"W{i}"].of(theta), w.T)  # fan_out × fan_in
        np.testing.assert_array_equal(layout.views[f"b{i}"].of(theta), b)
    assert layout.hidden == tuple(f"W{i}" for i in range(2, len(hidden) + 1))
