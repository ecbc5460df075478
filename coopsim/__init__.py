"""coopsim: agent-based simulation of cooperative development and value chains.

The reference case is Directive 27-CT/TU (2018) of Quang Binh province, Vietnam.
"""

from coopsim.cooperative import Cooperative
from coopsim.households import Household, HouseholdStore
from coopsim.model import CoopModel
from coopsim.params import ParameterError, Params, param_specs
from coopsim.province import Province, ProvinceError, load_province, save_province
from coopsim.scoring import CoopClass, CoopRecord, score

__version__ = "0.1.0"

__all__ = [
    "CoopClass",
    "CoopModel",
    "CoopRecord",
    "Cooperative",
    "Household",
    "HouseholdStore",
    "ParameterError",
    "Params",
    "Province",
    "ProvinceError",
    "__version__",
    "load_province",
    "param_specs",
    "save_province",
    "score",
]
