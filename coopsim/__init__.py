"""coopsim: agent-based simulation of cooperative development and value chains.

The reference case is Directive 27-CT/TU (2018) of Quang Binh province, Vietnam.
"""

from coopsim.model.coop_model import CoopModel
from coopsim.model.cooperative import Cooperative
from coopsim.model.households import Household, HouseholdStore
from coopsim.model.scoring import CoopClass, CoopRecord, score
from coopsim.world.params import ParameterError, Params, param_specs
from coopsim.world.province import Province, ProvinceError, load_province, save_province

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
