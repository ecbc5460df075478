"""The notebooks run top to bottom, and are exactly what scripts/make_notebooks.py generates.

Each notebook is executed in a fresh ``python3`` kernel with the notebooks folder as its
working directory (as Jupyter runs it). The committed files carry no outputs and must
equal the generator's text, so they are never stale: after editing the cells in
``scripts/make_notebooks.py``, run ``python scripts/make_notebooks.py``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
GENERATOR = ROOT / "scripts" / "make_notebooks.py"
NAMES = [
    "01_getting_started",
    "02_comparing_policies",
    "03_value_chains",
    "04_sensitivity_and_calibration",
    "05_bring_your_own_province",
]
KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds per cell


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebooks_equal_the_generated_ones_without_outputs():
    gen = _generator()
    built = gen.build()
    assert sorted(built) == [f"{n}.ipynb" for n in NAMES]
    for name, nb in built.items():
        path = NOTEBOOK_DIR / name
        assert path.exists(), f"{name} missing: run python scripts/make_notebooks.py"
        assert path.read_text("utf-8") == gen.render(nb), \
            f"{name} is stale: run python scripts/make_notebooks.py"
        committed = nbformat.read(path, as_version=4)
        nbformat.validate(committed)
        assert committed.metadata.kernelspec.name == KERNEL
        for cell in committed.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, (name, cell.id)


def _runs_this_python(argv0: str) -> bool:
    """Whether a kernelspec's interpreter is this one (jupyter_client maps "python")."""
    aliases = {"python", f"python{sys.version_info[0]}",
               "python{}.{}".format(*sys.version_info[:2])}
    return argv0 in aliases or os.path.abspath(argv0) == os.path.abspath(sys.executable)


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory):
    """A ``python3`` kernel running this interpreter (installed in a temp prefix if needed)."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        usable = _runs_this_python(KernelSpecManager().get_kernel_spec(KERNEL).argv[0])
    except NoSuchKernel:
        usable = False
    if usable:
        yield KERNEL
        return
    # no python3 kernel, or one of another interpreter: install ours where only this
    # session looks (JUPYTER_PATH comes first in the kernelspec search)
    prefix = tmp_path_factory.mktemp("jupyter")
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(prefix),
                    "--name", KERNEL], check=True, capture_output=True)
    paths = [str(prefix / "share" / "jupyter"), os.environ.get("JUPYTER_PATH", "")]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", os.pathsep.join(p for p in paths if p))
        yield KERNEL


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, kernel_name):
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    t0 = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    wall = time.perf_counter() - t0
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # figures must show inline (a library switching matplotlib to Agg would hide them)
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{name}: no figure shown"
    print(f"{name}: {wall:.1f} s")
