import dataclasses

import pytest

from coopsim import CoopModel, ParameterError, Params, param_specs


def test_every_parameter_is_documented_with_unit_range_and_source():
    specs = param_specs()
    assert len(specs) == len(dataclasses.fields(Params))
    for spec in specs.values():
        assert spec.unit and spec.doc and spec.source, spec.name
        assert spec.lo is not None and spec.hi is not None and spec.lo <= spec.default <= spec.hi


def test_unknown_name_is_rejected_with_a_suggestion():
    with pytest.raises(ParameterError, match=r"unknown parameter 'credit_acess'.*'credit_access'"):
        Params.from_overrides({"credit_acess": 0.2})


@pytest.mark.parametrize(("name", "value", "pattern"), [
    ("credit_access", 1.5, r"'credit_access' = 1.5 is out of range \[0.0, 1.0\]"),
    ("exit_patience", 0, r"'exit_patience' = 0 is out of range"),
    ("exit_patience", 2.5, r"'exit_patience' must be int, got 2.5"),
    ("scale", "big", r"'scale' must be float, got 'big'"),
    ("scale", True, r"'scale' must be float, got True"),
    ("markup_base", float("nan"), r"'markup_base' must be finite"),
])
def test_bad_values_are_rejected_naming_field_and_value(name, value, pattern):
    with pytest.raises(ParameterError, match=pattern):
        Params.from_overrides({name: value})


def test_scoring_weights_are_parameters_and_validated_together():
    with pytest.raises(ValueError, match="c09_capital=30.0"):
        Params(c09_capital=30.0)
    weights = Params(c09_capital=10.0, c09_member_benefits=22.0).scoring_weights()
    assert weights.c09_capital == 10.0


def test_ints_are_accepted_for_float_parameters_and_stored_as_float():
    p = Params(credit_access=1)
    assert isinstance(p.credit_access, float)


def test_replace_and_to_dict_round_trip():
    p = Params().replace(credit_access=0.4)
    assert Params.from_overrides(p.to_dict()) == p
    assert p.credit_access == 0.4


def test_model_rejects_bad_parameters_before_building_anything():
    with pytest.raises(ParameterError, match="unknown parameter 'nonsense'"):
        CoopModel(seed=1, nonsense=3)


def test_negative_values_allowed_by_their_range_are_accepted():
    # a regression: the scoring weights' own check once applied to every parameter
    assert Params(competence_drift=-0.01).competence_drift == -0.01
    assert Params(plan_growth=-0.2).plan_growth == -0.2
