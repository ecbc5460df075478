"""A cooperative's books: every change to its money, members and plan goes through here.

`CoopBooks` is the part of :class:`~coopsim.model.cooperative.Cooperative` that changes
its books. Each method pairs its entry with the other side's account: the outside
world's (``model.world``, whose ``pay`` and ``receive`` count every flow), a business's
or the member households' (whose side the caller books in the same function, see
``membership``). No other module assigns these attributes (``BOOK_ATTRIBUTES``; a test
reads every module of the package to check it), so money is conserved by construction
and ``balance_gap`` stays ~0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopsim.model.accounts import World

__all__ = ["ACTIVE", "BOOK_ATTRIBUTES", "DISSOLVED", "INACTIVE", "MERGED", "CoopBooks"]

#: a cooperative's statuses (re-exported by ``cooperative``)
ACTIVE, INACTIVE, DISSOLVED, MERGED = "active", "inactive", "dissolved", "merged"

#: attributes of a cooperative that only its own methods may assign
BOOK_ATTRIBUTES = frozenset({
    "cash", "assets", "debt", "charter_capital", "dev_fund", "reserve_fund", "retained",
    "indivisible_grants", "loan_payment", "revenue_y", "costs_y", "members",
    "contract_qty_m", "contract_revenue_m", "member_output_y", "member_benefit_y",
    "benefit_rate", "capital_end", "indivisible_end", "revenue_plan", "status",
    "idle_months", "competence", "has_year_end"})

#: the balance-sheet items a merger adds together
_MERGED_ITEMS = ("cash", "assets", "debt", "charter_capital", "dev_fund", "reserve_fund",
                 "retained", "loan_payment", "indivisible_grants")


class CoopBooks:
    """The book-keeping methods of a cooperative (mixed into ``Cooperative``)."""

    # ---- the starting stock ----------------------------------------------------
    def open_books(self, capital: float, funds_share: float, with_loan: bool,
                   loan_term: float) -> None:
        """Books of a cooperative of the initial stock (before the run's accounts start).

        60% of ``capital`` in assets, 40% in cash; the funds are ``funds_share`` of it
        (70% development, 30% reserve); with a loan, debt is 30% of the assets repaid
        over ``loan_term`` months; retained earnings close the balance sheet.
        """
        self.assets = 0.6 * capital
        self.cash = 0.4 * capital
        self.dev_fund, self.reserve_fund = 0.7 * funds_share * capital, 0.3 * funds_share * capital
        if with_loan:
            self.debt = 0.3 * self.assets
            self.loan_payment = self.debt / loan_term
        self.retained = (self.cash + self.assets - self.debt - self.charter_capital
                         - self.dev_fund - self.reserve_fund)

    def plan_first_year(self, revenue_plan: float, benefit_rate: float | None = None,
                        prior_year: bool = False) -> None:
        """Set the first year's revenue plan and the capital its growth is measured from.

        ``prior_year``: the books stand for a previous year end (the initial stock), so
        its first rating may earn growth points; a new cooperative's cannot (Circular
        01/2020 compares with the previous year, which it does not have).
        """
        self.capital_end, self.indivisible_end = self.cash + self.assets, self.indivisible
        self.has_year_end = prior_year
        self.revenue_plan = revenue_plan
        if benefit_rate is not None:
            self.benefit_rate = benefit_rate

    def start_inactive(self, idle_months: int) -> None:
        """A paper cooperative of the initial stock: inactive, idle, with no plan."""
        self.status = INACTIVE
        self.idle_months = idle_months
        self.revenue_plan = 1.0

    def raise_competence(self, gain: float) -> None:
        """Manager training: competence rises by ``gain`` (at most 1)."""
        self.competence = min(1.0, self.competence + gain)

    # ---- members -----------------------------------------------------------------
    def admit(self, n: int, contribution: float, pay: bool = True) -> None:
        """``n`` new members each contribute ``contribution`` of capital.

        The households pay it in the same call of ``membership.join``; members of the
        initial stock (``pay=False``) paid before the run starts.
        """
        self.members += int(n)
        self.cash += contribution * n if pay else 0.0
        self.charter_capital += contribution * n

    def release(self, n: int, due: float, paid: float) -> None:
        """``n`` members leave; ``paid`` of their capital ``due`` is refunded.

        What is not refunded is forfeited to retained earnings.
        """
        self.members -= int(n)
        self.cash -= paid
        self.charter_capital -= due
        self.retained += due - paid

    def pay_members(self, amount: float) -> None:
        """Pay members ``amount`` in cash (dividends, or a winding-up's last cash)."""
        self.cash -= amount

    def book_members_month(self, output: float, benefit: float, expected: float) -> None:
        """Members' output of the month and, when open, their benefit and its rate."""
        self.member_output_y += output
        if self.open and expected > 0:
            self.member_benefit_y += benefit
            self.benefit_rate = 0.9 * self.benefit_rate + 0.1 * benefit / expected

    # ---- payments with the outside world and businesses ---------------------------------
    def receive_grant(self, amount: float, purpose: str) -> float:
        """Receive a cash grant from the state (equity); returns the amount."""
        self.cash += self.model.world.pay(amount, purpose)
        self.retained += amount
        return amount

    def invest_grant(self, amount: float, purpose: str) -> float:
        """Receive a grant and spend it at once on assets bought from the outside world.

        The assets are indivisible (:attr:`indivisible`); the grant is equity.
        """
        self.receive_grant(amount, purpose)
        self.cash -= self.model.world.receive(amount, f"{purpose}_investment")
        self.assets += amount
        self.indivisible_grants += amount
        return amount

    def receive_subsidy(self, amount: float, purpose: str) -> None:
        """An interest subsidy from the state, booked as other income."""
        self.cash += self.model.world.pay(amount, purpose)
        self.revenue_y += amount

    def pay_cost(self, amount: float, purpose: str) -> None:
        """Pay a cost (a trademark, an OCOP project) to the outside world."""
        self.cash -= self.model.world.receive(amount, purpose)
        self.costs_y += amount

    def receive_contract_payment(self, qty: float, amount: float) -> None:
        """A business pays ``amount`` for ``qty`` delivered under a contract.

        The business's side is ``Business.pay_contract``, in the same call.
        """
        self.cash += amount
        self.contract_qty_m += qty
        self.contract_revenue_m += amount

    def pay_business(self, amount: float) -> None:
        """Pay a business ``amount``, a contract's penalty (its side: ``receive_penalty``)."""
        self.cash -= amount
        self.costs_y += amount

    # ---- the end -------------------------------------------------------------------
    def liquidate(self, world: World, liquidation_value: float) -> None:
        """Sell the assets at ``liquidation_value`` of book value and repay the bank.

        Debt the cash cannot cover is written off by the outside world.
        """
        self.cash += world.pay(self.assets * liquidation_value, "liquidation")
        self.assets = 0.0
        repaid = min(max(self.cash, 0.0), self.debt)
        self.cash -= world.receive(repaid, "loan_repaid")
        world.flows["loan_written_off"] += self.debt - repaid
        self.debt = 0.0

    def close_books(self, world: World, status: str, reason: str) -> None:
        """End the cooperative after the members got their share.

        The outside world absorbs what is left (negative cash: supplier debts; or
        rounding), equity is zeroed and the status set.
        """
        if self.cash != 0.0:
            if self.cash < 0:
                self.cash += world.pay(-self.cash, "written_off")
            else:
                self.cash -= world.receive(self.cash, "written_off")
        self.members = 0
        self.charter_capital = self.dev_fund = self.reserve_fund = self.retained = 0.0
        self.indivisible_grants = 0.0
        self.end(status, reason)

    def absorb(self, source: CoopBooks, members: int) -> None:
        """Merge ``source`` into this cooperative; ``source`` ends as merged.

        Its ``members``, its balance sheet and this year's profit so far (into retained
        earnings) move over.
        """
        self.members += members
        for name in _MERGED_ITEMS:
            setattr(self, name, getattr(self, name) + getattr(source, name))
            setattr(source, name, 0.0)
        self.retained += source.revenue_y - source.costs_y
        # growth is measured against both cooperatives' last year ends: a merger alone
        # does not earn growth points
        self.capital_end += source.capital_end
        self.indivisible_end += source.indivisible_end
        source.revenue_y = source.costs_y = source.capital_end = source.indivisible_end = 0.0
        source.members = 0
        source.end(MERGED, "consolidation", into=self.idx)
