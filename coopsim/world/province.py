"""World data: the province a run simulates (districts, products, cooperative stock).

A province is read from a TOML file (the default ships as package data,
``coopsim/data/quang_binh_2018.toml``) and validated field by field before any work
starts: a malformed file raises :class:`ProvinceError` naming the file, the row and
the field. :func:`save_province` writes a file that :func:`load_province` reads back
to an equal :class:`Province`, so a saved province reproduces a run.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from coopsim.core.checks import number_problem
from coopsim.core.errors import InputError
from coopsim.core.tomlfile import read_toml

__all__ = [
    "BUSINESS_KINDS",
    "CLASS_NAMES",
    "BusinessGroup",
    "CoopStock",
    "District",
    "Product",
    "Province",
    "ProvinceError",
    "default_province",
    "load_province",
    "province_from_dict",
    "save_province",
]

CLASS_NAMES = ("good", "fair", "average", "weak")
DEFAULT_FILE = "quang_binh_2018.toml"
_KIND_NAMES = {str: "a text", list: "a list", dict: "a table"}

#: Upper bounds of a province file's sizes. A run allocates about 1.2 KiB per household
#: (270 MiB for the default province's 230,000); 3 million households (more than any
#: Vietnamese province: Hanoi has about 2.2 million) need ~4 GiB. The others are
#: generous bounds against a typo (Vietnamese districts have 10-40 communes).
LIMITS = {"households": 3_000_000, "districts": 200, "communes": 1_000, "products": 50,
          "cooperatives": 10_000, "businesses": 10_000}


class ProvinceError(InputError):
    """A province file is malformed; the message names the file, row and field."""


@dataclass(frozen=True)
class Product:
    """A product households make (money in m VND; seasonality as written, Jan..Dec)."""

    name: str
    output_median: float
    cost_share: float
    seasonality: tuple[float, ...]
    coop_weight: float
    source: str


@dataclass(frozen=True)
class District:
    """A district: its communes, households, product mix and 2018 cooperatives."""

    name: str
    communes: int
    households: int
    cooperatives: int
    product_mix: dict[str, float]
    source: str


@dataclass(frozen=True)
class CoopStock:
    """Aggregate description of the initial cooperative stock."""

    class_shares: dict[str, float]
    members_median: float
    members_sigma: float
    capital_median: float
    capital_sigma: float
    university_share: float
    untrained_share: float
    with_loan_share: float
    inactive_share: float
    linked_share: float
    age_min_years: int
    age_max_years: int
    sources: dict[str, str]


@dataclass(frozen=True)
class BusinessGroup:
    """A group of similar businesses: kind, product bought, how many, monthly demand."""

    kind: str
    product: str
    count: int
    demand_median: float
    source: str


BUSINESS_KINDS = ("processor", "exporter", "trader", "retailer")


@dataclass(frozen=True)
class Province:
    """A whole province: the world a run starts from."""

    name: str
    start_year: int
    start_month: int
    products: tuple[Product, ...]
    districts: tuple[District, ...]
    coops: CoopStock
    source: str
    businesses: tuple[BusinessGroup, ...] = ()

    @property
    def product_names(self) -> list[str]:
        """Product names in file order (the product index used by the model)."""
        return [p.name for p in self.products]

    @property
    def households(self) -> int:
        """Total households of the province at full scale."""
        return sum(d.households for d in self.districts)

    def to_dict(self) -> dict[str, Any]:
        """Return the province in the file's table layout."""
        return _to_file_dict(self)

    def digest(self) -> str:
        """Return a SHA-256 of the canonical file text (recorded in provenance)."""
        return hashlib.sha256(tomli_w.dumps(self.to_dict()).encode()).hexdigest()


class _Reader:
    """Reads fields from one table of a province file, raising precise errors."""

    def __init__(self, origin: str, where: str, table: Any):
        self.origin, self.where = origin, where
        if not isinstance(table, dict):
            self.fail("", f"must be a table, got {table!r}")
        self.table = table

    def fail(self, key: str, msg: str):
        """Raise a :class:`ProvinceError` for ``key`` of this table."""
        at = f"{self.where}.{key}" if key else self.where
        raise ProvinceError(f"province file {self.origin}: {at}: {msg}")

    def get(self, key: str, kind: type, lo: float | None = None, hi: float | None = None):
        """Return ``table[key]`` checked for presence, type and range (numbers finite)."""
        if key not in self.table:
            self.fail(key, "is missing")
        value = self.table[key]
        if kind in (int, float):
            problem = number_problem(value, integer=kind is int, lo=lo, hi=hi)
            if problem in ("must be a number", "must be an integer"):
                problem = f"must be {kind.__name__}"
            if problem:
                self.fail(key, f"{problem}, got {value!r}")
            return float(value) if kind is float else value
        if not isinstance(value, kind):
            self.fail(key, f"must be {_KIND_NAMES.get(kind, kind.__name__)}, got {value!r}")
        return value

    def no_extra(self, allowed: set[str]) -> None:
        """Reject keys this table does not define."""
        for key in self.table:
            if key not in allowed:
                self.fail(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")


def _read_product(origin: str, i: int, raw: Any) -> Product:
    r = _Reader(origin, f"products[{i}]", raw)
    r.no_extra({"name", "output_median", "cost_share", "seasonality", "coop_weight", "source"})
    seas = r.get("seasonality", list)
    if len(seas) != 12 or any(number_problem(v, lo=0.0) for v in seas):
        r.fail("seasonality", f"must be 12 non-negative numbers, all finite, got {seas!r}")
    if sum(seas) <= 0:
        r.fail("seasonality", "must not be all zero")
    return Product(
        name=r.get("name", str), output_median=r.get("output_median", float, 1e-9, 1e6),
        cost_share=r.get("cost_share", float, 0.0, 0.99),
        seasonality=tuple(float(v) for v in seas),
        coop_weight=r.get("coop_weight", float, 0.0, 1e6), source=r.get("source", str))


def _read_district(origin: str, i: int, raw: Any, products: list[str]) -> District:
    r = _Reader(origin, f"districts[{i}]", raw)
    r.no_extra({"name", "communes", "households", "cooperatives", "product_mix", "source"})
    mix = r.get("product_mix", dict)
    for key, share in mix.items():
        if key not in products:
            r.fail(f"product_mix.{key}", f"unknown product (products: {', '.join(products)})")
        problem = number_problem(share, lo=0.0, hi=1.0)
        if problem:
            r.fail(f"product_mix.{key}", f"{problem}, got {share!r}")
    if abs(sum(mix.values()) - 1.0) > 1e-6:
        r.fail("product_mix", f"shares must sum to 1, got {sum(mix.values()):.6g}")
    communes = r.get("communes", int, 1, LIMITS["communes"])
    households = r.get("households", int, 1, LIMITS["households"])
    if households < communes:
        r.fail("households", f"must be at least the number of communes ({communes}), "
               f"got {households}")
    return District(
        name=r.get("name", str), communes=communes, households=households,
        cooperatives=r.get("cooperatives", int, 0, LIMITS["cooperatives"]),
        product_mix={p: float(mix.get(p, 0.0)) for p in products}, source=r.get("source", str))


def _read_business(origin: str, i: int, raw: Any, products: list[str]) -> BusinessGroup:
    r = _Reader(origin, f"businesses[{i}]", raw)
    r.no_extra({"kind", "product", "count", "demand_median", "source"})
    kind, product = r.get("kind", str), r.get("product", str)
    if kind not in BUSINESS_KINDS:
        r.fail("kind", f"must be one of {', '.join(BUSINESS_KINDS)}, got {kind!r}")
    if product not in products:
        r.fail("product", f"unknown product {product!r} (products: {', '.join(products)})")
    return BusinessGroup(kind=kind, product=product,
                         count=r.get("count", int, 0, LIMITS["businesses"]),
                         demand_median=r.get("demand_median", float, 1e-9, 1e7),
                         source=r.get("source", str))


def _read_coops(origin: str, raw: Any) -> CoopStock:
    r = _Reader(origin, "cooperatives", raw)
    tables = ("class_shares", "members", "capital", "managers", "credit", "activity",
              "value_chain", "age")
    r.no_extra({"source", *tables})
    sub = {k: _Reader(origin, f"cooperatives.{k}", r.get(k, dict)) for k in tables}
    cls = sub["class_shares"]
    cls.no_extra({*CLASS_NAMES, "source"})
    shares = {c: cls.get(c, float, 0.0, 1.0) for c in CLASS_NAMES}
    if abs(sum(shares.values()) - 1.0) > 1e-6:
        cls.fail("", f"good+fair+average+weak must sum to 1, got {sum(shares.values()):.6g}")
    man = sub["managers"]
    uni, untrained = man.get("university", float, 0.0, 1.0), man.get("untrained", float, 0, 1)
    if uni + untrained > 1.0:
        man.fail("untrained", f"university + untrained must be <= 1, got {uni + untrained:.6g}")
    age = sub["age"]
    lo_age = age.get("min_years", int, 1, 100)
    hi_age = age.get("max_years", int, lo_age, 100)
    return CoopStock(
        class_shares=shares,
        members_median=sub["members"].get("median", float, 1.0, 1e5),
        members_sigma=sub["members"].get("sigma", float, 0.0, 5.0),
        capital_median=sub["capital"].get("median", float, 0.0, 1e7),
        capital_sigma=sub["capital"].get("sigma", float, 0.0, 5.0),
        university_share=uni, untrained_share=untrained,
        with_loan_share=sub["credit"].get("with_loan", float, 0.0, 1.0),
        inactive_share=sub["activity"].get("inactive", float, 0.0, 1.0),
        linked_share=sub["value_chain"].get("linked", float, 0.0, 1.0),
        age_min_years=lo_age, age_max_years=hi_age,
        sources={k: s.get("source", str) for k, s in sub.items()})


def province_from_dict(data: dict[str, Any], origin: str = "<dict>") -> Province:
    """Build and validate a :class:`Province` from the file's table layout.

    Raises:
        ProvinceError: naming ``origin``, the row and the field at fault.
    """
    top = _Reader(origin, "(top level)", data)
    top.no_extra({"province", "products", "districts", "cooperatives", "businesses"})
    head = _Reader(origin, "province", top.get("province", dict))
    head.no_extra({"name", "start_year", "start_month", "source"})
    raw_products = top.get("products", list)
    if not 1 <= len(raw_products) <= LIMITS["products"]:
        top.fail("products", f"needs 1 to {LIMITS['products']} products, "
                             f"got {len(raw_products)}")
    products = [_read_product(origin, i, p) for i, p in enumerate(raw_products)]
    names = [p.name for p in products]
    if len(set(names)) != len(names):
        top.fail("products", f"product names must be unique, got {names}")
    raw_districts = top.get("districts", list)
    if not 1 <= len(raw_districts) <= LIMITS["districts"]:
        top.fail("districts", f"needs 1 to {LIMITS['districts']} districts, "
                              f"got {len(raw_districts)}")
    districts = [_read_district(origin, i, d, names) for i, d in enumerate(raw_districts)]
    raw_businesses = data.get("businesses", [])
    if not isinstance(raw_businesses, list):
        top.fail("businesses", f"must be a list of tables, got {raw_businesses!r}")
    businesses = tuple(_read_business(origin, i, b, names) for i, b in enumerate(raw_businesses))
    _check_totals(top, products, districts, businesses)
    return Province(
        name=head.get("name", str), start_year=head.get("start_year", int, 1990, 2100),
        start_month=head.get("start_month", int, 1, 12), products=tuple(products),
        districts=tuple(districts), coops=_read_coops(origin, top.get("cooperatives", dict)),
        source=head.get("source", str), businesses=businesses)


def _check_totals(top: _Reader, products: list[Product], districts: list[District],
                  businesses: tuple[BusinessGroup, ...]) -> None:
    """Checks across rows: sizes in bounds, somewhere for the cooperatives to be."""
    households = sum(d.households for d in districts)
    if households > LIMITS["households"]:
        top.fail("districts", f"{households:,} households in all; at most "
                              f"{LIMITS['households']:,} are supported")
    for field, total in (("cooperatives", sum(d.cooperatives for d in districts)),
                         ("businesses", sum(b.count for b in businesses))):
        if total > LIMITS[field]:
            top.fail("districts" if field == "cooperatives" else "businesses",
                     f"{total:,} {field} in all; at most {LIMITS[field]:,} are supported")
    if all(p.coop_weight == 0 for p in products) and any(d.cooperatives for d in districts):
        top.fail("products", "every coop_weight is 0, so the districts' cooperatives "
                             "have no product; give at least one product coop_weight > 0")


def load_province(path: str | Path | None = None) -> Province:
    """Read and validate a province file; ``None`` loads the embedded default province.

    Raises:
        ProvinceError: the file is missing, not TOML, or has a bad row or field.
    """
    if path is None:
        text = resources.files("coopsim.data").joinpath(DEFAULT_FILE).read_text("utf-8")
        return province_from_dict(tomllib.loads(text), f"<default {DEFAULT_FILE}>")
    return province_from_dict(read_toml(path, "province file", ProvinceError), str(path))


def default_province() -> Province:
    """Return the embedded default province (a Quang Binh-like province in 2018)."""
    return load_province(None)


def save_province(province: Province, path: str | Path) -> Path:
    """Write ``province`` as a TOML file that :func:`load_province` reads back equal."""
    path = Path(path)
    path.write_text(tomli_w.dumps(province.to_dict()), encoding="utf-8")
    return path


def _to_file_dict(p: Province) -> dict[str, Any]:
    c = p.coops
    return {
        "province": {"name": p.name, "start_year": p.start_year,
                     "start_month": p.start_month, "source": p.source},
        "products": [{**asdict(x), "seasonality": list(x.seasonality)} for x in p.products],
        "districts": [asdict(d) for d in p.districts],
        "businesses": [asdict(b) for b in p.businesses],
        "cooperatives": {
            "source": "see each field's source below",
            "class_shares": {**c.class_shares, "source": c.sources["class_shares"]},
            "members": {"median": c.members_median, "sigma": c.members_sigma,
                        "source": c.sources["members"]},
            "capital": {"median": c.capital_median, "sigma": c.capital_sigma,
                        "source": c.sources["capital"]},
            "managers": {"university": c.university_share, "untrained": c.untrained_share,
                         "source": c.sources["managers"]},
            "credit": {"with_loan": c.with_loan_share, "source": c.sources["credit"]},
            "activity": {"inactive": c.inactive_share, "source": c.sources["activity"]},
            "value_chain": {"linked": c.linked_share, "source": c.sources["value_chain"]},
            "age": {"min_years": c.age_min_years, "max_years": c.age_max_years,
                    "source": c.sources["age"]},
        },
    }
