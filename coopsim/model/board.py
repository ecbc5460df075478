"""A cooperative's management board: who runs it, their training and their ages.

Circular 01/2020/TT-BKHĐT scores the qualifications of a cooperative's managers as
shares of its managers (criterion 7: college or university degree, short or
intermediate training courses, young managers), so a board of several people is
modelled: the chair-director, the accountant and the supervisor (ASSUMED: the three
posts every cooperative fills under the 2012 Cooperative Law; larger boards are not
modelled). Each has an education level and an age. Each December the board ages;
who reaches :data:`RETIREMENT_AGE` is replaced by a newcomer. The manager-training lever
sends untrained members on a short course (:meth:`Board.train`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.model.scoring import YOUNG_MANAGER_AGE

__all__ = ["COURSE", "DEGREE", "NONE", "RETIREMENT_AGE", "ROLES", "Board"]

ROLES = ("chair_director", "accountant", "supervisor")
NONE, COURSE, DEGREE = 0, 1, 2  # no training; a short or intermediate course; a degree
RETIREMENT_AGE = 60  # ASSUMED (Vietnam's retirement age is about 60-62)
NEWCOMER_AGE = (25, 45)  # ASSUMED: uniform age range of a newly appointed manager


@dataclass
class Board:
    """The board's education levels and ages, one entry per role of :data:`ROLES`.

    Plain lists of three: numpy's per-call overhead would dominate arrays this small.
    """

    education: list[int]
    age: list[int]

    @classmethod
    def draw(cls, rng: np.random.Generator, shares: np.ndarray,
             age_mean: float = 45.0) -> Board:
        """A board drawn from education ``shares`` (none, course, degree).

        Ages are normal around ``age_mean`` (sd 10, within 22-59: ASSUMED).
        """
        education = rng.choice(3, size=len(ROLES), p=shares)
        age = np.clip(np.rint(rng.normal(age_mean, 10.0, len(ROLES))), 22, RETIREMENT_AGE - 1)
        return cls([int(e) for e in education], [int(a) for a in age])

    @property
    def director_education(self) -> int:
        """The chair-director's education level."""
        return self.education[0]

    def shares(self) -> tuple[float, float, float]:
        """Shares with a degree, with at least a course, and younger than the limit."""
        n = len(self.education)
        return (sum(e == DEGREE for e in self.education) / n,
                sum(e >= COURSE for e in self.education) / n,
                sum(a < YOUNG_MANAGER_AGE for a in self.age) / n)

    def untrained(self) -> list[int]:
        """The roles (indices) whose holder has no training."""
        return [r for r, e in enumerate(self.education) if e == NONE]

    def train(self, role: int) -> None:
        """Send the holder of ``role`` on a short course (a degree holder keeps it)."""
        self.education[role] = max(self.education[role], COURSE)

    def age_a_year(self, rng: np.random.Generator, shares: np.ndarray) -> int:
        """Everyone ages a year; who reaches retirement is replaced. Returns how many."""
        self.age = [a + 1 for a in self.age]
        out = [r for r, a in enumerate(self.age) if a >= RETIREMENT_AGE]
        for role in out:
            self.education[role] = int(rng.choice(3, p=shares))
            self.age[role] = int(rng.integers(NEWCOMER_AGE[0], NEWCOMER_AGE[1] + 1))
        return len(out)
