"""The active strategy's hand-written GP objective must fit exactly what scikit-learn fits.

``KernelEvidence`` only saves scikit-learn's bookkeeping; any difference in the fitted kernel,
its likelihood or its predictions would change hunts, so the comparison is bit for bit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

from hunter.perturbers.active import KernelEvidence


def _fit(x: np.ndarray, y: np.ndarray, optimizer: object) -> GaussianProcessRegressor:
    width = x.shape[1]
    kernel = ConstantKernel(0.25, (1e-2, 4.0)) * RBF(
        np.full(width, 0.5), (0.1, 50.0)
    ) + WhiteKernel(0.1, (1e-3, 0.5))
    gp = GaussianProcessRegressor(kernel, random_state=1, optimizer=optimizer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp.fit(x, y)
    return gp


@pytest.mark.parametrize("trial", range(8))
def test_fast_objective_fits_exactly_what_scikit_learn_fits(trial: int) -> None:
    rng = np.random.default_rng(trial)
    n, width = int(rng.integers(9, 121)), int(rng.integers(2, 12))
    x = rng.random((n, width))
    x[:, : width // 2] = x[:, : width // 2] > 0.5  # one-hot-like columns, as encoded
    y = (rng.random(n) < rng.random()).astype(float)
    y[0], y[1] = 1.0, 0.0
    ours = _fit(x, y - 0.5, KernelEvidence(x, y - 0.5).optimizer)
    theirs = _fit(x, y - 0.5, "fmin_l_bfgs_b")
    assert np.array_equal(ours.kernel_.theta, theirs.kernel_.theta)
    assert ours.log_marginal_likelihood_value_ == theirs.log_marginal_likelihood_value_
    query = rng.random((32, width))
    for a, b in zip(
        ours.predict(query, return_std=True), theirs.predict(query, return_std=True), strict=True
    ):
        assert np.array_equal(a, b)
