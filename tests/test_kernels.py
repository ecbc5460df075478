"""The two backends of the household loops give the same bits (coopsim/model/kernels.py)."""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from coopsim.model import kernels
from coopsim.model.coop_model import CoopModel
from coopsim.policy.scenarios import load_scenario

NAMES = ("produce", "member_sales", "member_satisfaction", "book_and_attend")
needs_numba = pytest.mark.skipif(kernels.BACKEND != "numba",
                                 reason="Numba (the fast extra) is not installed")


def _state(model) -> bytes:
    """Every household array and the month's sales, as bytes."""
    hh, s = model.households, model.sales
    parts = [getattr(hh, f) for f in hh.__dataclass_fields__]
    parts += [getattr(s, f) for f in s.__dataclass_fields__]
    return b"".join(np.asarray(p).tobytes() + str(np.asarray(p).dtype).encode()
                    for p in parts)


def _stepped(scenario: str, backend: dict, monkeypatch, months: int = 26) -> list[bytes]:
    with monkeypatch.context() as m:
        for name in NAMES:
            m.setattr(kernels, name, backend[name])
        chosen = load_scenario(scenario)
        model = CoopModel(seed=7, policy=chosen.policy(),
                          **{**chosen.overrides(), "scale": 0.1, "snapshot_every": 0})
        states = []
        for _ in range(months):
            model.step()
            states.append(_state(model))
        assert model.households.coop.max() >= 0 and model.sales.rows.size > 0
        return states


@needs_numba
@pytest.mark.parametrize("scenario", ["baseline", "directive27"])
def test_compiled_loops_give_the_array_codes_bits_month_by_month(scenario, monkeypatch):
    assert all(hasattr(kernels.COMPILED[n], "py_func") for n in NAMES)  # Numba dispatchers
    loops = _stepped(scenario, kernels.COMPILED, monkeypatch)
    arrays = _stepped(scenario, kernels.ARRAYS, monkeypatch)
    assert [i for i, (a, b) in enumerate(zip(arrays, loops, strict=True)) if a != b] == []
    assert len(set(loops)) == len(loops)  # the state moved every month: not vacuous


def test_a_member_with_almost_no_output_is_rated_against_the_float32_floor():
    output = np.array([0.0, 5e-4, 2.0], np.float32)  # the first two below the 1e-3 floor
    benefit = np.array([1e-4, 1e-4, 0.3])
    rows = np.arange(3)
    # the rule as it was written: rate = benefit / np.maximum(output, 1e-3), float32
    rate = (benefit / np.maximum(output, 1e-3)).astype(np.float32)
    expected = np.clip((rate - np.float32(0.05)) / np.float32(0.05), -1.0, 1.0)
    # the compiled loop where Numba is installed, else the loop's Python source
    loop = kernels.COMPILED.get("member_satisfaction", kernels.LOOPS["member_satisfaction"])
    for fn in (kernels.ARRAYS["member_satisfaction"], loop):
        sat, unhappy = np.zeros(3, np.float32), np.zeros(3, np.int16)
        fn(rows, rows, benefit, output, sat, unhappy, np.zeros(3, np.int32), 1,
           np.float32(0.05), np.float32(0.05), np.float32(0.0), np.float32(1.0))
        assert sat.tobytes() == expected.astype(np.float32).tobytes()
    assert float(np.float32(1e-3)) != 1e-3  # the floor's two precisions differ


@needs_numba
def test_coopsim_numba_0_selects_the_numpy_backend_and_the_same_run():
    code = ("import hashlib; from coopsim.model import kernels; from coopsim.policy.runner "
            "import run; r = run(None, {'scale': 0.05, 'snapshot_every': 0}, seed=4, years=2);"
            "print(kernels.BACKEND, hashlib.sha256((r.monthly.to_csv() + r.coop_years.to_csv()"
            ").encode()).hexdigest())")
    out = {}
    for flag in ("0", "1"):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**os.environ, "COOPSIM_NUMBA": flag})
        backend, digest = proc.stdout.split()
        out[backend] = digest
    assert set(out) == {"numpy", "numba"} and out["numpy"] == out["numba"]
    assert hashlib.sha256(b"").hexdigest() not in out.values()


def test_a_loop_is_compiled_uncached_where_no_cache_can_be_written():
    calls = []

    def fake_njit(fn=None, cache=False):
        calls.append(cache)
        if cache:  # what Numba raises at decoration when no cache folder is writable
            raise RuntimeError("cannot cache function 'f': no locator available")
        return ("compiled", fn)

    loop = kernels.LOOPS["produce"]
    assert kernels._compiled(loop, fake_njit) == ("compiled", loop)
    assert calls == [True, False]
