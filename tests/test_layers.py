"""The folders are the layers, and imports go one way: down.

core -> world -> model -> policy -> experiment -> calibration -> presentation -> cli.
Every ``import`` of every module (type-only ones included) is read from the source, so
a lower layer that reaches up fails here, not in a user's traceback.
"""

from __future__ import annotations

import ast
from pathlib import Path

import coopsim

PACKAGE = Path(coopsim.__file__).parent
ORDER = ["core", "world", "model", "policy", "experiment", "calibration", "presentation"]
TOP = {"cli", "runner", "__init__"}  # the command line and the package's public face



def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "coopsim" else None


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "coopsim":
                found |= {f"coopsim.{a.name}" for a in node.names}
    return {m for m in found if m.startswith("coopsim")}


def test_every_module_sits_in_a_layer_package():
    loose = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in TOP)
    assert loose == [], f"modules outside the layer packages: {loose}"
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir()
                  and (p / "__init__.py").exists()) == sorted([*ORDER, "data"])


def test_imports_only_go_down():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if len(rel.parts) == 1 or rel.parts[0] == "data":
            continue  # cli, runner, __init__ may import anything; data holds files
        here = ORDER.index(rel.parts[0])
        for module in imports(path):
            there = layer_of(module)
            if there is None or there == "data" or there.startswith("__"):
                continue  # `from coopsim import __version__`, package data
            if there not in ORDER or ORDER.index(there) > here:
                wrong.append(f"{rel} imports {module}")
    assert wrong == [], "\n".join(wrong)


def test_each_layer_says_what_it_may_import():
    for name in ORDER:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert doc and ("import" in doc or name == "core"), name


def test_the_readmes_imports_still_work():
    """Every ``from coopsim... import`` line of the README's Python examples imports."""
    import re

    readme = (PACKAGE.parent / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()
             if re.match(r"\s*from coopsim[.\w]* import ", line)]
    assert len(lines) >= 5
    for line in lines:
        exec(line, {})  # noqa: S102 - the README's own import lines
