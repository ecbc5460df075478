import tomllib
from pathlib import Path

import pytest
import tomli_w

from coopsim import ProvinceError, load_province, save_province
from coopsim.policy.runner import run
from coopsim.world.province import default_province


def test_default_province_matches_the_facts_sheet_figures():
    p = default_province()
    assert p.households == 230_000
    assert len(p.districts) == 8
    assert 140 <= sum(d.communes for d in p.districts) <= 160  # facts: ~150 communes
    quang_trach = next(d for d in p.districts if d.name == "Quang Trach")
    assert quang_trach.cooperatives == 20  # facts: Quang Trach 2018, 20 cooperatives
    assert p.coops.class_shares["good"] == pytest.approx(0.23)
    assert p.coops.university_share == pytest.approx(0.068)
    assert all(pr.source for pr in p.products) and all(d.source for d in p.districts)


def test_save_and_load_round_trip(tmp_path):
    p = default_province()
    path = save_province(p, tmp_path / "prov.toml")
    assert load_province(path) == p
    assert load_province(path).digest() == p.digest()


def test_a_saved_and_reloaded_province_reproduces_the_run(tmp_path):
    path = save_province(default_province(), tmp_path / "prov.toml")
    a = run(overrides={"scale": 0.03}, seed=3, years=1)
    b = run(overrides={"scale": 0.03}, seed=3, years=1, province=path)
    assert a.yearly.equals(b.yearly)
    assert a.coop_years.equals(b.coop_years)


def _write(tmp_path: Path, mutate) -> Path:
    data = tomllib.loads(tomli_w.dumps(default_province().to_dict()))
    mutate(data)
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(data))
    return path


@pytest.mark.parametrize(("mutate", "pattern"), [
    (lambda d: d["districts"][2].__setitem__("households", -5),
     r"districts\[2\]\.households: must be in \[1, 3000000\], got -5"),
    (lambda d: d["districts"][0].pop("communes"), r"districts\[0\]\.communes: is missing"),
    (lambda d: d["districts"][1]["product_mix"].__setitem__("coffee", 0.1),
     r"districts\[1\]\.product_mix\.coffee: unknown product"),
    (lambda d: d["districts"][1]["product_mix"].__setitem__("rice", 0.9),
     r"districts\[1\]\.product_mix: shares must sum to 1"),
    (lambda d: d["products"][0].__setitem__("seasonality", [1, 2, 3]),
     r"products\[0\]\.seasonality: must be 12 non-negative numbers"),
    (lambda d: d["products"][3].__setitem__("cost_share", "high"),
     r"products\[3\]\.cost_share: must be float, got 'high'"),
    (lambda d: d["cooperatives"]["class_shares"].__setitem__("weak", 0.5),
     r"cooperatives\.class_shares: good\+fair\+average\+weak must sum to 1"),
    (lambda d: d["province"].__setitem__("colour", "red"), r"province\.colour: unknown field"),
    (lambda d: d.pop("districts"), r"\(top level\)\.districts: is missing"),
])
def test_malformed_province_files_name_the_row_and_field(tmp_path, mutate, pattern):
    path = _write(tmp_path, mutate)
    with pytest.raises(ProvinceError, match=pattern) as err:
        load_province(path)
    assert str(path) in str(err.value)


def test_not_toml_and_missing_files_are_rejected(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("this is = = not toml")
    with pytest.raises(ProvinceError, match="not valid TOML"):
        load_province(bad)
    with pytest.raises(ProvinceError, match="cannot be read"):
        load_province(tmp_path / "missing.toml")
