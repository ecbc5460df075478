"""Shared fixtures: small, fast runs of the default province."""

from __future__ import annotations

import pytest

from coopsim import CoopModel

SMALL = {"scale": 0.05}  # ~11,500 households in 8 communes, ~13 cooperatives


def small_model(seed: int = 1, **overrides) -> CoopModel:
    """A small model of the default province (whole communes at full density)."""
    return CoopModel(seed=seed, **{**SMALL, **overrides})


def assert_money(model: CoopModel, total: float) -> None:
    """Money is conserved: nothing created or destroyed since it was ``total``."""
    assert model.total_money() == pytest.approx(total, rel=1e-12, abs=1e-6)


def assert_books(model: CoopModel) -> None:
    """Every cooperative's books balance."""
    for c in model.coops:
        assert abs(c.balance_gap()) < 1e-6 * max(1.0, abs(c.cash) + c.assets), c


def step_conserving(model: CoopModel, months: int, total: float | None = None,
                    books: bool = False) -> None:
    """Step ``months`` months, checking after each that money is conserved (against
    ``total``, by default the money before the first step) and, with ``books``, that
    every cooperative's books balance."""
    total = model.total_money() if total is None else total
    for _ in range(months):
        model.step()
        assert_money(model, total)
        if books:
            assert_books(model)


@pytest.fixture(scope="session")
def small_run():
    """A 3-year small run shared by read-only tests (model after 36 steps)."""
    model = small_model(seed=7)
    for _ in range(36):
        model.step()
    return model
