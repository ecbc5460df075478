"""Shared utilities that every layer may import (and that import no other coopsim code).

One hierarchy of errors (:mod:`~coopsim.core.errors`), the one check of a number read
from input (:mod:`~coopsim.core.checks`), reading TOML input files
(:mod:`~coopsim.core.tomlfile`), output files written whole and folders kept to one
kind of output (:mod:`~coopsim.core.outputs`), and which code is running
(:mod:`~coopsim.core.codeinfo`).
"""
