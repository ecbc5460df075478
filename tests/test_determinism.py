"""Same seed, same results; different seed, different results."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from mesa.batchrunner import batch_run

from coopsim import CoopModel
from coopsim.policy.runner import numpy_simd, run

SMALL = {"scale": 0.05}


def test_same_seed_gives_identical_tables():
    a = run(overrides=SMALL, seed=11, years=2)
    b = run(overrides=SMALL, seed=11, years=2)
    assert a.monthly.equals(b.monthly)
    assert a.yearly.equals(b.yearly)
    assert a.coop_years.equals(b.coop_years)


def test_different_seed_gives_different_tables():
    a = run(overrides=SMALL, seed=11, years=2)
    b = run(overrides=SMALL, seed=12, years=2)
    assert not a.monthly.equals(b.monthly)
    assert not a.coop_years.equals(b.coop_years)


def test_provenance_records_seed_params_and_versions():
    r = run(overrides=SMALL, seed=5, years=1)
    prov = r.provenance
    assert prov["seed"] == 5 and prov["years"] == 1
    assert prov["params"]["scale"] == 0.05 and "credit_access" in prov["params"]
    for key in ("coopsim", "mesa", "numpy", "python", "started"):
        assert prov[key]
    assert len(prov["province"]["sha256"]) == 64
    assert prov["numpy_simd"] == numpy_simd() and prov["numpy_simd"] != ["unknown"]


def test_the_simd_record_follows_what_numpy_was_allowed_to_use():
    on = numpy_simd()
    # numpy 2.4 groups AVX-512 as X86_V4 (and AVX512_ICL ...); 2.0-2.3 name AVX512F ...
    avx512 = [n for n in on if n == "X86_V4" or n.startswith("AVX512")]
    if not avx512:
        pytest.skip("numpy dispatches to no AVX-512 extension on this CPU")
    code = "from coopsim.policy.runner import numpy_simd; print(','.join(numpy_simd()))"
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(avx512)}
    off = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.strip().split(",")
    assert not set(avx512) & set(off) and set(off) < set(on)


def test_run_result_pickles():
    r = run(overrides=SMALL, seed=5, years=1)
    back = pickle.loads(pickle.dumps(r))
    assert back.yearly.equals(r.yearly)


def test_a_pickled_model_continues_identically():
    model = CoopModel(seed=3, **SMALL)
    for _ in range(14):
        model.step()
    copy = pickle.loads(pickle.dumps(model))
    for _ in range(14):
        model.step()
        copy.step()
    assert np.array_equal(model.households.coop, copy.households.coop)
    assert np.array_equal(model.households.cash, copy.households.cash)
    assert model.metrics == copy.metrics


def test_mesa_batch_run_drives_the_model():
    results = batch_run(CoopModel, parameters={"scale": 0.03, "seed": 1,
                                               "credit_access": [0.1, 0.5]},
                        max_steps=13, number_processes=1, display_progress=False)
    assert len(results) == 2
    assert {"weak_share", "members", "credit_access"} <= set(results[0])
