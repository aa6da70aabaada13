"""``active``: sample where a model of P(fail | attributes) is least sure about the edge.

A Gaussian process is fitted to the pass/fail outcomes seen so far (0/1 targets, a white-noise
term for the SUT's own randomness, one RBF length scale per encoded column so attributes that do
not matter are learned to be flat). Candidates are drawn around the origin, out to a little past
the adaptive neighbourhood radius, and scored with the *straddle* rule of Bryan et al. (2005)
for level-set estimation: ``1.96 * sd - |mean - level|``, high where the predicted rate is
close to the region's level and the model is unsure. This is the yes/no threshold hunt of
adaptive psychophysics, in many dimensions.

scikit-learn's ``GaussianProcessClassifier`` would model the outcome more faithfully, but it
does not return a predictive standard deviation, which the straddle rule needs; regression on
0/1 outcomes is the usual stand-in.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from scipy.linalg import cho_solve, cholesky
from scipy.optimize import minimize
from scipy.spatial.distance import pdist, squareform
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

from hunter.domain import AttributeDict, Scenario
from hunter.perturbers.base import HuntContext, Perturber, new_seed
from hunter.perturbers.encoding import Encoder
from hunter.perturbers.evidence import rates
from hunter.perturbers.neighbourhood import (
    NeighbourhoodPerturber,
    adapted_radius,
    sample_near_many,
)

MIN_OBSERVATIONS = 8
"""Below this many valid runs (or with one class only) the model is not worth fitting."""

MAX_TRAINING = 120
"""Training rows kept (the ones nearest the origin), so a fit stays well under a second."""


GP_JITTER = 1e-10
"""``GaussianProcessRegressor``'s default ``alpha``, added to the kernel's diagonal."""


class KernelEvidence:
    """The negative log marginal likelihood of ``C * RBF(anisotropic) + White`` and its gradient,
    as scikit-learn computes it, for L-BFGS over the kernel's log-hyperparameters.

    Written out by hand for speed alone: scikit-learn's kernel objects spend most of a fit on
    bookkeeping (setting ``theta`` through ``get_params``/``set_params``, ``dir()`` on every
    hyperparameter look-up) and on temporaries (the product and sum kernels ``dstack`` their
    gradients, the RBF gradient is divided and multiplied along a last axis only as long as the
    number of encoded columns). Every array that reaches a reduction (``exp``, Cholesky,
    ``cho_solve``, ``einsum``) is the one scikit-learn builds, element for element and in the
    same memory layout, and only correctly rounded elementwise operations (``-``, ``*``, ``/``)
    are regrouped, so the values, the optimiser's path and the fitted model are bit-identical
    to ``GaussianProcessRegressor``'s own ``fmin_l_bfgs_b`` (checked against scikit-learn 1.9's
    ``log_marginal_likelihood``; the golden hunts would show a drift). The pairwise squared
    differences do not depend on the hyperparameters and are computed once.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        n, width = x.shape
        self.x = x
        self.y = y[:, np.newaxis]
        self.width = width
        # (width, n, n): each column's squared differences, contiguous per column
        self.diff2 = np.ascontiguousarray(
            ((x[:, np.newaxis, :] - x[np.newaxis, :, :]) ** 2).transpose(2, 0, 1)
        )
        self.scratch = np.empty((width, n, n))
        # The kernel's gradient, laid out (n, n, parameters) as scikit-learn's dstack lays it,
        # reused from call to call; the white kernel's channel is 0 off the diagonal.
        self.gradient = np.zeros((n, n, width + 2))
        self.eye = np.eye(n)
        self.diagonal = np.diag_indices(n)
        self.log_norm = n / 2 * np.log(2 * np.pi)

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        x, width = self.x, self.width
        constant = np.exp(theta[0])  # the kernels' theta setters exponentiate exactly so
        length_scale = np.exp(theta[1 : 1 + width]).astype(float)
        noise = np.exp(theta[1 + width])
        k = squareform(np.exp(-0.5 * pdist(x / length_scale, metric="sqeuclidean")))
        np.fill_diagonal(k, 1)
        kernel = np.multiply(k, constant)  # the product kernel C * RBF
        gradient, scratch = self.gradient, self.scratch
        gradient[..., 0] = kernel
        np.divide(self.diff2, (length_scale**2)[:, np.newaxis, np.newaxis], out=scratch)
        np.multiply(scratch, k, out=scratch)
        np.multiply(scratch, constant, out=scratch)
        gradient[..., 1 : 1 + width] = scratch.transpose(1, 2, 0)
        gradient[..., 1 + width][self.diagonal] = noise
        # + the white kernel: noise on the diagonal (adding its zeros elsewhere changes nothing)
        kernel[self.diagonal] += noise
        kernel[self.diagonal] += GP_JITTER
        try:
            lower = cholesky(kernel, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return np.inf, -np.zeros_like(theta)
        alpha = cho_solve((lower, True), self.y, check_finite=False)
        evidence = -0.5 * np.einsum("ik,ik->k", self.y, alpha)
        evidence -= np.log(np.diag(lower)).sum()
        evidence -= self.log_norm
        inner = np.einsum("ik,jk->ijk", alpha, alpha)
        inner -= cho_solve((lower, True), self.eye, check_finite=False)[..., np.newaxis]
        slope = 0.5 * np.einsum("ijl,jik->kl", inner, gradient)
        return -evidence.sum(axis=-1), -slope.sum(axis=-1)

    def optimizer(
        self, _objective: object, initial_theta: np.ndarray, bounds: np.ndarray
    ) -> tuple[np.ndarray, float]:
        """``GaussianProcessRegressor``'s L-BFGS-B call, on this objective."""
        result = minimize(self, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds)
        return result.x, result.fun


def straddle(mean: np.ndarray, sd: np.ndarray, level: float) -> np.ndarray:
    """Bryan et al.'s straddle score: high where the level set may pass and the model is unsure."""
    return np.asarray(1.96 * sd - np.abs(mean - level))


class ActivePerturber(Perturber):
    """Level-set active learning of the failing region around the origin.

    Args:
        candidates: candidate points scored per call; a quarter are drawn from the whole space
            so the model also looks for failures the neighbourhood cannot reach.
        separation: minimum encoded (Euclidean) distance between two proposals of one batch,
            so a batch does not spend all its runs on one uncertain spot.
    """

    name: ClassVar[str] = "active"

    def __init__(self, candidates: int = 512, separation: float = 0.15) -> None:
        self.candidates = candidates
        self.separation = separation

    def model(self, context: HuntContext, seed: int) -> GaussianProcessRegressor | None:
        """The fitted P(fail) model, or None while there is too little to fit it on."""
        encoder = Encoder(context.space)
        origin = context.origin.attributes()
        runs = context.valid
        ys = [1.0] + [float(r.failed) for r in runs]
        if len(runs) < MIN_OBSERVATIONS or len(set(ys)) < 2:
            return None
        x = encoder.encode_all([origin, *(r.attributes() for r in runs)])
        y = np.array(ys)
        if len(y) > MAX_TRAINING:
            keep = np.argsort(np.linalg.norm(x - x[0], axis=1), kind="stable")[:MAX_TRAINING]
            x, y = x[keep], y[keep]
        kernel = ConstantKernel(0.25, (1e-2, 4.0)) * RBF(
            np.full(encoder.width, 0.5), (0.1, 50.0)
        ) + WhiteKernel(0.1, (1e-3, 0.5))
        targets = y - 0.5
        # One length scale per column is what the hand-written objective covers (with one
        # column the RBF kernel is isotropic and scikit-learn's own optimiser runs).
        optimizer: Any = (
            KernelEvidence(x, targets).optimizer if encoder.width > 1 else "fmin_l_bfgs_b"
        )
        gp = GaussianProcessRegressor(
            kernel, normalize_y=False, random_state=seed, optimizer=optimizer
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp.fit(x, targets)
        return gp

    def propose(self, context: HuntContext, n: int, rng: np.random.Generator) -> Sequence[Scenario]:
        if n <= 0:
            return []
        gp = self.model(context, new_seed(rng))
        if gp is None:
            return NeighbourhoodPerturber().propose(context, n, rng)
        space, origin = context.space, context.origin.attributes()
        radius = max(1.5 * adapted_radius(context), 0.5)
        near = self.candidates - self.candidates // 4
        pool: list[AttributeDict] = sample_near_many(space, origin, radius, rng, near)
        pool += [space.sample(rng) for _ in range(self.candidates - near)]
        x = Encoder(space).encode_all(pool)
        mean, sd = gp.predict(x, return_std=True)
        # The predictive sd includes the SUT's own noise (the white kernel), which no amount
        # of sampling removes; the straddle rule wants the model's uncertainty only.
        noise = float(gp.kernel_.k2.noise_level)
        latent = np.sqrt(np.maximum(np.asarray(sd) ** 2 - noise, 0.0))
        score = straddle(np.asarray(mean) + 0.5, latent, rates(context).level)
        chosen: list[int] = []
        for index in np.argsort(-score, kind="stable"):
            if len(chosen) == n:
                break
            gaps = np.linalg.norm(x[chosen] - x[index], axis=1) if chosen else np.array([np.inf])
            if gaps.min() >= self.separation:
                chosen.append(int(index))
        return [Scenario.of(pool[i], new_seed(rng)) for i in chosen]
