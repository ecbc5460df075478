"""Shared fixtures: small, fast runs of the default province."""

from __future__ import annotations

import pytest

from coopsim import CoopModel

SMALL = {"scale": 0.05}  # ~11,500 households in 8 communes, ~13 cooperatives


def small_model(seed: int = 1, **overrides) -> CoopModel:
    """A small model of the default province (whole communes at full density)."""
    return CoopModel(seed=seed, **{**SMALL, **overrides})


@pytest.fixture(scope="session")
def small_run():
    """A 3-year small run shared by read-only tests (model after 36 steps)."""
    model = small_model(seed=7)
    for _ in range(36):
        model.step()
    return model
