"""Property tests: malformed input files end in a coopsim error, never another exception.

Hypothesis mutates valid province, scenario and sweep files (a value replaced by any
TOML value, NaN and infinity included; a key deleted or added; a table replaced by a
value) and writes random bytes, and feeds each file to its loader. Every file must be
either accepted or refused with an :class:`~coopsim.core.errors.InputError`. An accepted
province must also build a model, and an accepted scenario must run through its first
December (ratings and levers), so "accepted" means "usable".
"""

from __future__ import annotations

import copy
import math
import os

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coopsim import CoopModel
from coopsim.core.errors import InputError
from coopsim.experiment.sweep import design_from_spec, load_spec
from coopsim.policy.runner import run
from coopsim.policy.scenarios import load_scenario, shipped_scenarios
from coopsim.world.province import default_province, load_province

#: examples per property (COOPSIM_HYPOTHESIS_EXAMPLES=1500 for a longer search)
EXAMPLES = int(os.environ.get("COOPSIM_HYPOTHESIS_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

leaves = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, -1, 12, 10**9, 10**15]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1e-300, 1e300]),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["", "2018-08", "baseline", "rice", "weakest", "nan"]),
)
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


numbers = st.one_of(st.integers(-5, 10**7), st.floats(-1e3, 1e7, allow_nan=False),
                    st.sampled_from([0, 1, 0.0, 0.5, 0.99, 1.0, 1e-9, 2, 12, 100]))


def mutate(data: st.DataObject, doc, depth: int = 0):
    """Change one place of ``doc``: replace, nudge, delete or add, somewhere in the tree.

    A number is as often nudged to another number (so that files stay well formed but
    take extreme values) as replaced by any value.
    """
    children = list(doc.items()) if isinstance(doc, dict) else list(enumerate(doc)) \
        if isinstance(doc, list) else []
    if depth > 0 and (not children or depth > 6 or data.draw(st.integers(0, 3)) == 0):
        if isinstance(doc, int | float) and not isinstance(doc, bool) \
                and data.draw(st.booleans()):
            return data.draw(numbers)
        return data.draw(values)
    if not children:
        return doc
    key, child = children[data.draw(st.integers(0, len(children) - 1))]
    action = data.draw(st.sampled_from(["descend", "descend", "descend", "delete", "add"]))
    doc = copy.copy(doc)
    if action == "delete":
        del doc[key]
    elif action == "add" and isinstance(doc, dict):
        doc[data.draw(st.text(min_size=1, max_size=8))] = data.draw(values)
    elif action == "add":
        doc.append(data.draw(values))
    else:
        doc[key] = mutate(data, child, depth + 1)
    return doc


def numeric_paths(doc, path=()):
    """Every place in ``doc`` that holds a number."""
    if isinstance(doc, bool):
        return []
    if isinstance(doc, int | float):
        return [path]
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) \
        if isinstance(doc, list) else []
    return [p for k, v in items for p in numeric_paths(v, (*path, k))]


def nudge(data: st.DataObject, doc):
    """Set one to three numbers of ``doc`` to other, often extreme, numbers."""
    doc = copy.deepcopy(doc)
    places = numeric_paths(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        *head, last = places[data.draw(st.integers(0, len(places) - 1))]
        node = doc
        for key in head:
            node = node[key]
        node[last] = data.draw(numbers)
    return doc


def write(tmp_path, doc) -> object:
    """``doc`` as a TOML file; ``None`` when it is not a table TOML can hold."""
    if not isinstance(doc, dict):
        return None
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return None
    path = tmp_path / "f.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused_cleanly(load, path) -> object:
    """The loader's result, or ``None`` if it refused with an InputError."""
    try:
        result = load(path)
    except InputError:
        event("refused")
        return None
    event("accepted")
    return result


PROVINCE = default_province().to_dict()
SCENARIOS = {name: load_scenario(name).to_dict() for name in sorted(shipped_scenarios())}
SWEEPS = [
    {"sweep": {"design": "lhs", "reps": 2, "years": 1, "seed": 3, "n": 4},
     "bounds": {"credit_access": [0.0, 0.4], "exit_patience": [3, 9]},
     "fixed": {"scale": 0.02}},
    {"sweep": {"design": "factorial", "scenario": "directive27", "years": 2},
     "levels": {"credit_access": [0.1, 0.3], "linkage_promotion": [0.0, 1.0]}},
    {"sweep": {"design": "explicit"}, "points": [{"credit_access": 0.2}, {"scale": 0.1}]},
    {"sweep": {"design": "morris", "n": 3}, "bounds": {"credit_access": [0.0, 0.3]}},
]


@SETTINGS
@given(data=st.data())
def test_mutated_province_files_are_refused_or_usable(tmp_path, data):
    path = write(tmp_path, mutate(data, PROVINCE))
    if path is None:
        event("not a TOML document")
        return
    province = refused_cleanly(load_province, path)
    if province is not None:  # accepted: a model must build from it and step
        model = CoopModel(province, seed=1, scale=0.02)
        model.step()


@SETTINGS
@given(data=st.data())
def test_province_files_with_extreme_numbers_are_refused_or_usable(tmp_path, data):
    path = write(tmp_path, nudge(data, PROVINCE))
    province = refused_cleanly(load_province, path) if path is not None else None
    if province is not None:
        model = CoopModel(province, seed=1, scale=0.02)
        model.step()


@SETTINGS
@given(data=st.data(), name=st.sampled_from(sorted(SCENARIOS)))
def test_scenario_files_with_extreme_numbers_are_refused_or_usable(tmp_path, data, name):
    path = write(tmp_path, nudge(data, SCENARIOS[name]))
    scenario = refused_cleanly(load_scenario, path) if path is not None else None
    if scenario is not None:
        run(scenario, {"scale": 0.02, "snapshot_every": 0}, seed=1, years=1)


@SETTINGS
@given(data=st.data(), name=st.sampled_from(sorted(SCENARIOS)))
def test_mutated_scenario_files_are_refused_or_usable(tmp_path, data, name):
    path = write(tmp_path, mutate(data, SCENARIOS[name]))
    if path is None:
        event("not a TOML document")
        return
    scenario = refused_cleanly(load_scenario, path)
    if scenario is not None:  # accepted: it must run through its first December
        run(scenario, {"scale": 0.02, "snapshot_every": 0}, seed=1, years=1)


@SETTINGS
@given(data=st.data(), base=st.sampled_from(SWEEPS))
def test_mutated_sweep_specs_are_refused_or_give_a_design(tmp_path, data, base):
    path = write(tmp_path, mutate(data, base))
    if path is None:
        event("not a TOML document")
        return
    design = refused_cleanly(lambda p: design_from_spec(load_spec(p), str(p)), path)
    if design is not None:
        assert design.n_runs >= 1 and design.runs()[0].run_id == 0


@pytest.mark.parametrize("load", [load_province, load_scenario,
                                  lambda p: design_from_spec(load_spec(p), str(p))])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_random_bytes_are_refused_cleanly(tmp_path, load, raw):
    path = tmp_path / "r.toml"
    path.write_bytes(raw)
    refused_cleanly(load, path)  # accepted or an InputError: anything else fails here
