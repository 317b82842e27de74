"""A body's identity through its renames: its stable id and the names it published under before.

A body is renamed (平潭综合实验区国有资产管理局 became 平潭综合实验区投资促进局 with its 2024 report), and a
name may pass from one body to another. reports/agencies.yaml (and a region's registry, whose aliases and
listings say the same) gives each body

- an `id`: its 统一社会信用代码 (GB 32100-2015: 18 characters, the last a check character, validated by
  `credit_code_problem`), else one of ours, `di-` and 12 hexadecimal digits: `derived_id` of the first name
  the body is known by (its earliest former name, else its name), so that a rename, which adds the old
  name to its former names, keeps the id;
- `former_names`: each with the years it held it (`FormerName`: first and last year, inclusive; unknown
  years are every year no other body claims the name).

A report is attached to its body by the name it is published under and its year (`Claims.resolve`): a
former name held that year wins, then a body's present name, then a former name only one body ever held.
Two bodies may share a name in disjoint years; overlapping years are an error of the file
(`Claims.overlaps`). Nothing here changes the name a record prints.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Optional

from ..record.characters import name_key

# GB 32100-2015 法人和其他组织统一社会信用代码编码规则: the code's 31 characters (no I, O, S, V, Z) and the
# weights of its first 17 characters, 3^i mod 31; the 18th is the check character
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
OWN_ID = re.compile(r"di-[0-9a-f]{12}")  # an id of ours (derived_id)
YEARS = (1990, 2100)  # the years a former name may give (as the registry's)


def credit_check_character(first17: str) -> str:
    """The check character (GB 32100-2015, 5.3) of a code's first 17 characters; ValueError if one of
    them is not a code character."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> Optional[str]:
    """What is wrong with a 统一社会信用代码 (None if nothing): 18 characters of the code's alphabet (digits
    and capital letters but I, O, S, V, Z), the 3rd to 8th (the administrative division) digits, the last
    the check character the first 17 give."""
    if len(code) != 18:
        return f"a 统一社会信用代码 has 18 characters, {code!r} has {len(code)}"
    wrong = [c for c in code if c not in CREDIT_CODE_CHARS]
    if wrong:
        return (f"{code!r} holds {wrong[0]!r}, not a character of a 统一社会信用代码 (digits and capital letters but "
                "I, O, S, V, Z)")
    if not code[2:8].isdigit():
        return f"{code!r}: its 3rd to 8th characters (the administrative division code) must be digits"
    check = credit_check_character(code[:17])
    if code[17] != check:
        return f"{code!r}: its check character is {code[17]!r}, but its first 17 characters give {check!r}"
    return None


def id_problem(value: Any) -> Optional[str]:
    """What is wrong with a body's `id` (None if nothing): a 统一社会信用代码, or an id of ours (di- and 12
    hexadecimal digits, as derived_id makes them)."""
    if not isinstance(value, str):
        return f"an id is text (a 统一社会信用代码, or di- and 12 hexadecimal digits), got {str(value)[:40]!r}"
    if OWN_ID.fullmatch(value):
        return None
    if value.startswith("di-"):
        return f"an id of ours is di- and 12 hexadecimal digits (0-9, a-f), got {value[:40]!r}"
    return credit_code_problem(value)


@lru_cache(maxsize=65536)
def derived_id(name: str) -> str:
    """The id of ours for a body first known by this name: di- and the first 12 hexadecimal digits of the
    SHA-256 of its `characters.name_key` (UTF-8), so every spelling that key folds gives one id."""
    return "di-" + hashlib.sha256(name_key(name).encode("utf-8", "surrogatepass")).hexdigest()[:12]


@dataclass(frozen=True)
class FormerName:
    """A name a body published under before: the first and last year it held it (inclusive), None when not
    known (it then holds every year no other body claims the name)."""

    name: str
    first: Optional[int] = None
    last: Optional[int] = None

    def holds(self, year: Optional[int]) -> bool:
        """Whether the body held this name in `year` (None: any year)."""
        return year is None or ((self.first is None or self.first <= year)
                                and (self.last is None or year <= self.last))

    def meets(self, other: "FormerName") -> bool:
        """Whether the two names' years overlap."""
        return ((self.first is None or other.last is None or self.first <= other.last)
                and (other.first is None or self.last is None or other.first <= self.last))


def body_id(name: str, explicit: Optional[str], former: Iterable[FormerName]) -> str:
    """A body's id: its explicit `id`, else derived_id of the first name it is known by: its former name of
    the earliest first year (of names with years), else its present name."""
    if explicit:
        return explicit
    dated = [f for f in former if f.first is not None]
    return derived_id(min(dated, key=lambda f: (f.first, name_key(f.name))).name if dated else name)


@lru_cache(maxsize=1)
def name_adapter() -> Any:
    """A validator of one name as a record's (models.Name: one line, no control characters, bounded)."""
    from pydantic import TypeAdapter

    from ..record.models import Name
    return TypeAdapter(Name)


def parse_former_names(value: Any) -> tuple[list[FormerName], list[tuple[tuple, str]]]:
    """An agencies-file entry's `former_names`: a list of {name: NAME, years: [FIRST, LAST]} (years may be
    left out when not known; one year is [YEAR, YEAR]). The names, and the problems as (location within
    the entry, what)."""
    from pydantic import ValidationError

    if not isinstance(value, list):
        return [], [(("former_names",), "former_names is a list of {name: NAME, years: [FIRST, LAST]}, "
                                        f"got {str(value)[:80]!r}")]
    out, problems = [], []
    for k, item in enumerate(value):
        at = ("former_names", k)
        if not isinstance(item, dict) or "name" not in item or set(item) - {"name", "years"}:
            problems.append((at, f"former_names item {k + 1}: expected {{name: NAME, years: [FIRST, LAST]}}, "
                                 f"got {str(item)[:80]!r}"))
            continue
        try:
            name = name_adapter().validate_python(item["name"])
        except ValidationError as exc:
            problems.append(((*at, "name"), f"former_names item {k + 1}: not a valid name: " + "; ".join(
                e["msg"].removeprefix("Value error, ") for e in exc.errors())))
            continue
        years = item.get("years")
        if years is None:
            out.append(FormerName(name))
            continue
        if (not isinstance(years, list) or len(years) != 2
                or not all(type(y) is int and YEARS[0] <= y <= YEARS[1] for y in years)):
            problems.append(((*at, "years"), f"former_names item {k + 1} ({name}): years is [FIRST, LAST], two years "
                                             f"from {YEARS[0]} to {YEARS[1]} (one year: [YEAR, YEAR]), got "
                                             f"{str(years)[:60]!r}"))
            continue
        if years[0] > years[1]:
            problems.append(((*at, "years"), f"former_names item {k + 1} ({name}): the last year {years[1]} is before "
                                             f"the first {years[0]}"))
            continue
        out.append(FormerName(name, years[0], years[1]))
    return out, problems


class Claims:
    """Which body held which name when: built from each body's present name and former names
    (`bodies`: present name → its FormerNames), found under any spelling `characters.name_key` folds."""

    def __init__(self, bodies: Iterable[tuple[str, Iterable[FormerName]]]):
        self.present: dict[str, str] = {}
        self.former: dict[str, list[tuple[FormerName, str]]] = {}
        for name, former in bodies:
            self.present.setdefault(name_key(name), name)
            for f in former:
                self.former.setdefault(name_key(f.name), []).append((f, name))

    def resolve(self, name: str, year: Optional[int]) -> Optional[str]:
        """The present name of the body that published under `name` in `year` (None: any year): the body
        that held it as a former name that year, else the body it is the present name of, else the one
        body that ever held it as a former name; None when no body or more than one may be meant."""
        key = name_key(name)
        claims = self.former.get(key, ())
        if year is not None:
            held = {body for f, body in claims if f.holds(year)}
            if len(held) == 1:
                return held.pop()
        if key in self.present:
            return self.present[key]
        owners = {body for _, body in claims}
        return owners.pop() if len(owners) == 1 else None

    def overlaps(self) -> list[tuple[str, FormerName, str]]:
        """Names claimed twice for years that overlap, as (the body whose claim is wrong, that former
        name, what): two bodies' former names that meet,
        one body's former name held twice, a former name another body holds now without years, a body's
        former name that is its present name."""
        out = []
        for key, claims in self.former.items():
            for k, (f, body) in enumerate(claims):
                now = self.present.get(key)
                if now == body:
                    out.append((body, f, f"the former name {f.name!r} is the body's present name"))
                    continue
                if now is not None and f.first is None and f.last is None:
                    out.append((body, f, f"the former name {f.name!r} is {now!r}'s present name: give the years "
                                         f"{body!r} held it"))
                for g, other in claims[:k]:
                    if g.meets(f):
                        who = "the body's" if other == body else f"{other!r}'s"
                        out.append((body, f, f"the former name {f.name!r} ({_span(f)}) is also {who} former name "
                                             f"for years that overlap ({_span(g)}): a name is one body's in a year"))
                        break
        return out


def _span(f: FormerName) -> str:
    return "any year" if f.first is None and f.last is None else f"{f.first or '...'}-{f.last or '...'}"


def published_as(printed: str, body: str) -> Optional[str]:
    """The name a report was published under when it is not its body's present name, else None."""
    return None if name_key(printed) == name_key(body) else printed
