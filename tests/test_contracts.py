"""The contract state machine: each transition and each breach cause on hand-made cases."""

import pytest

from coopsim.model.contracts import (
    ACTIVE,
    BREACHED_BY_BUSINESS,
    BREACHED_BY_COOP,
    COMPLETED,
    ENDED_BY_EXIT,
    Contract,
    ContractError,
)


def make(**kw):
    base = {"id": 1, "coop": 0, "business": 0, "product": 0, "price_rule": "spot_plus",
            "price": 0.05, "volume": 10.0, "start": 0, "duration": 6}
    return Contract(**{**base, **kw})


def test_prices_follow_the_rule():
    assert make(price_rule="fixed", price=1.2).unit_price(spot=0.8) == 1.2
    assert make(price_rule="spot_plus", price=0.05).unit_price(spot=0.8) == pytest.approx(0.84)


def test_runs_to_completion_at_its_duration():
    c = make(duration=3)
    for step in (1, 2):
        c.record_delivery(10.0)
        c.record_payment(10.5, on_time=True)
        assert c.review(step, max_missed=2, max_late=2) == ACTIVE
    c.record_delivery(10.0)
    assert c.review(3, max_missed=2, max_late=2) == COMPLETED
    assert c.end == 3 and c.deliveries_made == 3 and c.delivered == 30.0


def test_missed_deliveries_in_a_row_breach_by_the_cooperative():
    c = make()
    c.record_delivery(8.9)        # below 90% of 10: missed
    assert c.review(1, 2, 2) == ACTIVE and c.missed_run == 1
    c.record_delivery(9.0)        # exactly 90%: made, resets the run
    assert c.missed_run == 0
    c.record_delivery(0.0)
    c.record_delivery(1.0)
    assert c.review(4, 2, 2) == BREACHED_BY_COOP
    assert c.deliveries_missed == 3 and c.reliability() == pytest.approx(1 / 4)


def test_late_payments_in_a_row_breach_by_the_business():
    c = make()
    c.record_payment(1.0, on_time=False)
    c.record_payment(1.0, on_time=True)
    c.record_payment(1.0, on_time=False)
    assert c.review(3, 2, 2) == ACTIVE
    c.record_payment(1.0, on_time=False)
    assert c.review(4, 2, 2) == BREACHED_BY_BUSINESS
    assert c.payments_late == 3 and c.payments_made == 1


def test_reneging_and_exit_close_directly():
    c = make()
    c.close(BREACHED_BY_BUSINESS, 2)
    assert not c.active and c.end == 2
    d = make()
    d.close(ENDED_BY_EXIT, 5)
    assert d.status == ENDED_BY_EXIT


def test_breach_takes_precedence_over_expiry():
    c = make(duration=1)
    c.record_delivery(0.0)
    assert c.review(1, max_missed=1, max_late=3) == BREACHED_BY_COOP


@pytest.mark.parametrize("terminal", [COMPLETED, BREACHED_BY_COOP, BREACHED_BY_BUSINESS,
                                      ENDED_BY_EXIT])
def test_terminal_states_never_change(terminal):
    c = make()
    c.close(terminal, 1)
    with pytest.raises(ContractError, match="in status"):
        c.record_delivery(1.0)
    with pytest.raises(ContractError, match="in status"):
        c.record_payment(1.0, True)
    with pytest.raises(ContractError, match="in status"):
        c.close(COMPLETED, 2)
    with pytest.raises(ContractError, match="in status"):
        c.review(2, 1, 1)


@pytest.mark.parametrize(("kw", "field"), [
    ({"price_rule": "barter"}, "price_rule"), ({"volume": 0.0}, "volume"),
    ({"duration": 0}, "duration"), ({"price_rule": "fixed", "price": 0.0}, "fixed price"),
])
def test_impossible_contracts_are_rejected_naming_the_field(kw, field):
    with pytest.raises(ContractError, match=field):
        make(**kw)


def test_close_rejects_non_terminal_status_and_negative_delivery():
    c = make()
    with pytest.raises(ContractError, match="not a terminal status"):
        c.close(ACTIVE, 1)
    with pytest.raises(ContractError, match="delivery must be >= 0"):
        c.record_delivery(-1.0)
