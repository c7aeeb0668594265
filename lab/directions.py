"""Directions that span a 2-D slice of a network's weight space, as flat vectors like θ.

Three planes, each through a stated centre c and spanned by two directions d₁, d₂:

- ``filter_normalized``: Gaussian directions (Li et al. 2018) with each unit's incoming weights
  rescaled to the norm of the same unit's weights in c. Our W⁽ˡ⁾ is fan_in × fan_out, so a unit
  (a "filter", a row of PyTorch's out × in weight) is a column of W⁽ˡ⁾:
  d[:, j] ← d[:, j] · ‖c[:, j]‖ / ‖d[:, j]‖. Biases are zero (``biases="zero"``, the default) or
  each layer's bias vector rescaled to the norm of c's (``"normalized"``).
- ``pca``: the top two principal directions of all paths' points together, taken about the
  centre: the right singular vectors of the stacked rows θₜ − c (one shared plane for all).
- ``through``: c = θ₀ and dᵢ = θᵢ − θ₀ for two solutions θ₁, θ₂, so (0, 0), (1, 0) and (0, 1)
  are the three weight vectors.
"""

from __future__ import annotations

import numpy as np


def normalize_filters(direction: np.ndarray, centre: np.ndarray, network, biases: str = "zero"):
    """A copy of ``direction`` with every unit's incoming weights (a column of each W⁽ˡ⁾) scaled
    to the norm of the same column of ``centre``; a zero column stays zero. Biases: "zero" sets
    them to 0, "normalized" scales each layer's bias vector to the norm of the centre's."""
    if biases not in ("zero", "normalized"):
        raise ValueError(f"biases: 'zero' or 'normalized', got {biases!r}")
    out = np.array(direction, dtype=float)
    for lay in network.layers:
        d = out[lay.weights].reshape(lay.shape)  # a view: scaled in place
        target = np.linalg.norm(centre[lay.weights].reshape(lay.shape), axis=0)
        norms = np.linalg.norm(d, axis=0)
        d *= np.divide(target, norms, out=np.zeros_like(norms), where=norms > 0)
        b = out[lay.biases]
        if biases == "zero":
            b[:] = 0.0
        else:
            norm = np.linalg.norm(b)
            b *= np.linalg.norm(centre[lay.biases]) / norm if norm > 0 else 0.0
    return out


def filter_normalized(centre: np.ndarray, network, seed: int = 0, biases: str = "zero"):
    """Two filter-normalized Gaussian directions (d₁, d₂) for ``centre``, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    return tuple(
        normalize_filters(rng.standard_normal(centre.shape), centre, network, biases)
        for _ in range(2)
    )


def pca(paths: list[np.ndarray], centre: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple]:
    """(d₁, d₂, explained) from all paths' points together (each path (T, n_params)).

    With M the stacked rows θₜ − c and M = U Σ Vᵀ, d₁ and d₂ are the first two rows of Vᵀ (unit
    vectors), and explained = (σ₁², σ₂²) / Σσᵢ², the shares of Σ‖θₜ − c‖² the plane keeps.
    Computed from the small Gram matrix M Mᵀ (points × points), never the n_params² covariance.
    """
    m = np.concatenate([np.atleast_2d(p) for p in paths]) - centre
    gram = m @ m.T
    values, vectors = np.linalg.eigh(gram)  # ascending; σᵢ² = eigenvalues of M Mᵀ
    total = values.clip(min=0).sum()
    if total <= 0 or len(values) < 2 or values[-2] <= total * 1e-28:
        raise ValueError("pca: the paths do not leave a line through the centre; need a plane")
    dirs = []
    for i in (-1, -2):
        d = vectors[:, i] @ m
        dirs.append(d / np.linalg.norm(d))
    return dirs[0], dirs[1], (values[-1] / total, values[-2] / total)


def through(initial: np.ndarray, first: np.ndarray, second: np.ndarray):
    """(d₁, d₂) = (θ₁ − θ₀, θ₂ − θ₀): the plane through θ₀ and two solutions."""
    return first - initial, second - initial
