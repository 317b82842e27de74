"""The registry: every annual report known to exist, whether or not its file is in reports/.

One YAML file per region under reports/registry/ (its schema is printed at the head of each file the
builder writes, and in the README): the region, the bodies the region's publisher lists (each with its
kind and the other names it was listed under), and one line per report the publisher lists: year, body,
the name it was listed under when that differs, posting date, address, template edition and status. The
pydantic models below are the one definition; `load_registry` reads a file strictly (the records' YAML
1.2 loader) and names the file and line of every problem; `import_tsv` turns a publisher's list (the
shared registry.tsv format) into a registry file.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ..record.checks import date_problem
from ..record.characters import name_key
from ..record.models import Date, Name, Text, Url  # Url: as a record's source.url
from .bodies import FormerName, id_problem
from .scores import Agencies, Agency

REGISTRY_DIR = "registry"  # under reports/
KINDS = ("government", "department")  # as in reports/agencies.yaml (条例第四十九条)
LEVELS = ("省级", "市级", "县级", "乡级")  # as in reports/agencies.yaml
# a publisher's own word for a kind, as the project's kind: a 片区管理局 is an agency of the region's
# government, due like its departments (see reports/agencies.yaml)
KIND_SYNONYMS = {"area": "department"}
TEMPLATES = ("2021", "2019", "pre-2019", "no-text")
STATUSES = ("archived", "listed-only")
TSV_COLUMNS = ("year", "body", "kind", "posted", "template", "status", "url")

Year = Annotated[int, Field(ge=1990, le=2100, strict=True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Body(_Model):
    """A body the publisher lists reports of: its kind and the other names it was listed under."""

    kind: Literal["government", "department"] = Field(
        description="government: a people's government's own report, due by 31 March; department: a department "
                    "or other body, due by 31 January (条例第四十九条)")
    level: Optional[Literal["省级", "市级", "县级", "乡级"]] = Field(
        None, description="its administrative level, when not the registry's `level` (a body of a county the "
                          "region took over)")
    id: Optional[str] = Field(None, description="its 统一社会信用代码 (or an id of ours, di- and 12 hexadecimal "
                                                 "digits), when known: else one is derived (index/bodies.py)")
    aliases: list[Name] = Field(default_factory=list, description="other names the publisher lists it under "
                                                                  "(short names, old names): the body's former "
                                                                  "names, held in the years of the reports "
                                                                  "listed under them (listed_as)")
    since: Optional[Year] = Field(None, description="first year it is expected to report (default: its first "
                                                    "listed report)")
    until: Optional[Year] = Field(None, description="last year it is expected to report, if it was abolished or "
                                                    "replaced (default: every year to the registry's last)")
    note: Text = Field(None, description="why the names, kind or years are what they are")


class Listing(_Model):
    """One report the publisher lists."""

    year: Year = Field(description="the year the report covers")
    body: Name = Field(description="the body, by its name under `bodies`")
    listed_as: Optional[Name] = Field(None, description="the name the publisher lists it under, if not `body`")
    posted: Date = Field(None, description="the date the publisher posted it")
    url: Optional[Url] = Field(None, description="where the publisher posted it")
    template: Optional[Literal["2021", "2019", "pre-2019", "no-text"]] = Field(
        None, description="2021 or 2019 edition of the national template, pre-2019 free form, or no text")
    status: Literal["archived", "listed-only"] = Field(
        description="archived: the page was saved when the list was made; listed-only: listed, not saved")
    note: Text = None


class Registry(_Model):
    """One region's registry file."""

    region: Name = Field(description="the region, as in reports/agencies.yaml (e.g. 福建省平潭综合实验区)")
    level: Optional[Literal["省级", "市级", "县级", "乡级"]] = Field(
        None, description="the administrative level of the region's government and its departments: each body's "
                          "unless it says its own")
    source: Text = Field(None, description="where the list comes from")
    bodies: dict[Name, Body] = Field(default_factory=dict)
    reports: list[Listing] = Field(default_factory=list)
    _file: str = PrivateAttr("")  # the file it was read from (records.shown), for messages

    def body_of(self, name: str) -> Optional[str]:
        """The body a name (its own or an alias, under any spelling `characters.name_key` folds) belongs to."""
        return self._names().get(name_key(name))

    def _names(self) -> dict[str, str]:
        names = {}
        for body, info in self.bodies.items():
            for n in [body, *info.aliases]:
                names.setdefault(name_key(n), body)
        return names

    def last_year(self) -> Optional[int]:
        return max((r.year for r in self.reports), default=None)


class RegistryError(ValueError):
    """A registry file is wrong: each problem as (line, what); `str()` lists them as `FILE:LINE: what`."""

    def __init__(self, file: str, problems: list[tuple[int, str]]):
        self.file, self.problems = file, problems
        super().__init__("; ".join(f"{file}:{line}: {what}" for line, what in problems))


def load_registry(path: str | Path) -> Registry:
    """A registry file, validated: RegistryError names the file and the line of every problem (schema
    errors, a body no entry of `bodies` knows, a name two bodies claim, a report listed twice, a report
    outside its body's years or posted before its year began)."""
    from ..record.files import load_yaml, loc_path, node_line, shown, unsafe_file, yaml_problem

    p = Path(path)
    file = shown(p)
    problem = unsafe_file(p)
    if problem:
        raise RegistryError(file, [(1, problem)])
    try:
        text = p.read_text(encoding="utf-8")
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        line, what = _split(yaml_problem(p, exc))
        raise RegistryError(file, [(line, what)]) from exc
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise RegistryError(file, [(1, f"not readable as YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise RegistryError(file, [(1, "not a registry: expected a mapping with region, bodies and reports")])
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        raise RegistryError(file, [(node_line(text, e["loc"]), f"{loc_path(e['loc'])}: "
                                    f"{e['msg'].removeprefix('Value error, ')}"
                                    + (f" (found {str(e.get('input'))[:60]!r})" if e["type"] in _SHOW_INPUT else ""))
                                   for e in exc.errors()]) from None
    problems = _cross_checks(registry)
    if problems:
        raise RegistryError(file, sorted((node_line(text, loc), what) for loc, what in problems))
    registry._file = file
    return registry


_SHOW_INPUT = ("literal_error", "date_from_datetime_parsing", "date_parsing", "date_type", "int_type",
               "string_pattern_mismatch", "greater_than_equal", "less_than_equal", "missing")


def _split(problem: str) -> tuple[int, str]:
    """`FILE:LINE: what` (records.yaml_problem) as (line, what)."""
    head, _, what = problem.partition(": ")
    return int(head.rsplit(":", 1)[1]), what


def _cross_checks(registry: Registry) -> list[tuple[tuple, str]]:
    """What the schema alone cannot see, as (location, what)."""
    problems: list[tuple[tuple, str]] = []
    owner: dict[str, str] = {}
    for body, info in registry.bodies.items():
        for k, n in enumerate([body, *info.aliases]):
            other = owner.setdefault(name_key(n), body)
            if other != body:
                what = f"the name {n!r} is also {other!r}'s"
            elif k and name_key(n) == name_key(body):
                what = f"the alias {n!r} is the body's own name"
            else:
                continue
            problems.append((("bodies", body, "aliases", k - 1) if k else ("bodies", body),
                             what + " (names are compared under character widths, spacing and invisible characters)"))
        if info.id is not None and id_problem(info.id):
            problems.append((("bodies", body, "id"), f"id: {id_problem(info.id)}"))
        if info.since is not None and info.until is not None and info.since > info.until:
            problems.append((("bodies", body, "until"), f"until {info.until} is before since {info.since}"))
    seen: dict[tuple, int] = {}
    urls: dict[str, int] = {}
    for i, r in enumerate(registry.reports):
        body = registry.body_of(r.body)
        if body is None:
            problems.append((("reports", i, "body"), f"body {r.body!r} is not under `bodies` (add it, or list "
                                                     "this name as an alias of the body it is)"))
            continue
        if body != r.body:
            problems.append((("reports", i, "body"), f"body {r.body!r} is an alias of {body!r}: name the body "
                                                     f"and put the listed name under listed_as"))
        if r.listed_as is not None and registry.body_of(r.listed_as) not in (None, body):
            problems.append((("reports", i, "listed_as"), f"listed_as {r.listed_as!r} is the name of another body, "
                                                          f"{registry.body_of(r.listed_as)!r}"))
        info = registry.bodies[body]
        if (info.since is not None and r.year < info.since) or (info.until is not None and r.year > info.until):
            problems.append((("reports", i, "year"), f"{body} reports for {info.since or '…'}–{info.until or '…'} "
                                                     f"(bodies), but this report is for {r.year}"))
        if (problem := date_problem(r.year, r.posted, "posted")) is not None:  # the records' rule
            problems.append((("reports", i, "posted"), problem))
        key = (name_key(body), r.year, r.url)
        if key in seen:
            problems.append((("reports", i), f"the same report as item {seen[key] + 1} of reports ({body}, {r.year}, "
                                             f"{r.url or 'no address'}): a report is listed once"))
            continue
        seen[key] = i
        first = urls.setdefault(r.url, i) if r.url is not None else i
        if first != i:
            problems.append((("reports", i, "url"), f"the address is also item {first + 1}'s, a report of another "
                                                    "body or year"))
    return problems


def load_registries(reports_dir: Path) -> tuple[list[Registry], list[RegistryError]]:
    """Every registry file under reports/registry/ (in name order), and the errors of those that are wrong.
    Two files of one region are an error on the second."""
    folder = reports_dir / REGISTRY_DIR
    out: list[Registry] = []
    errors: list[RegistryError] = []
    regions: dict[str, str] = {}
    from ..record.files import shown
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            registry = load_registry(path)
        except RegistryError as exc:
            errors.append(exc)
            continue
        first = regions.setdefault(name_key(registry.region), shown(path))
        if first != shown(path):
            errors.append(RegistryError(shown(path), [(1, f"region {registry.region!r} already has a registry: {first}")]))
            continue
        out.append(registry)
    return out, errors


# --- writing and importing ---------------------------------------------------------------------

HEADER = """\
# A registry of the annual reports this region's publisher lists, whether or not their files are in
# reports/ (README: "Coverage and timeliness"). Read by `python -m builder check` and the coverage pages.
#   region:  the region, as in reports/agencies.yaml
#   level:   省级 | 市级 | 县级 | 乡级, the level of the region's government and its departments
#   bodies:  NAME: {kind: government | department, level (when not the region's), id (统一社会信用代码),
#            aliases: [other names listed: its former names, held in the years listed under them], since: YEAR,
#            until: YEAR, note}
#            (since/until: the years it is expected to report; by default from its first listed report to the
#            registry's last year)
#   reports: one line per report listed: year, body (a name under bodies), listed_as (the publisher's name for
#            it, if not the body's), posted (YYYY-MM-DD), url, template (2021 | 2019 | pre-2019 | no-text),
#            status (archived: the page was saved; listed-only: listed, not saved), note
# A body named here (or by an alias) is ranked and placed by its kind, level and region without an entry in
# reports/agencies.yaml (an entry there wins; a contradiction is a `check` error).
# Written by `python -m builder registry-import LIST.tsv --region REGION`; bodies and notes may be edited by hand.
"""


def _dump(data: Any, flow: bool = False) -> str:
    """YAML as PyYAML writes it (quoting what YAML 1.1 would read as other than text, so that the
    records' YAML 1.2 loader reads it back the same); lists of names in flow style."""
    if flow:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10 ** 6, default_flow_style=True)
    from ..record.files import _Dumper
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def to_yaml(registry: Registry) -> str:
    """The registry as its file: the header, region, source and bodies in block style, one report a line."""
    data = registry.model_dump(exclude_none=True, exclude_defaults=False)
    bodies = {name: {k: v for k, v in info.items() if v not in (None, [])} for name, info in data["bodies"].items()}
    head = {"region": data["region"], **({"level": data["level"]} if registry.level else {}),
            **({"source": data["source"]} if registry.source else {}), "bodies": bodies}
    lines = [HEADER, _dump(head), "reports:\n"]
    for r in registry.reports:
        row = r.model_dump(exclude_none=True)
        lines.append("- " + _dump(row, flow=True))
    return "".join(lines)


def read_tsv(text: str) -> list[dict[str, str]]:
    """A publisher's list in the shared registry.tsv format (a header line of TSV_COLUMNS)."""
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    if rows and set(rows[0]) != set(TSV_COLUMNS):
        raise ValueError(f"expected the columns {', '.join(TSV_COLUMNS)}, got {', '.join(rows[0])}")
    return rows


def import_tsv(text: str, region: str, existing: Optional[Registry] = None, source: Optional[str] = None) -> Registry:
    """A registry made from a publisher's list (registry.tsv): each listed name is mapped to a body of the
    existing registry (its name or an alias, under `name_key`), or becomes a body of its own, whose kind is
    the list's (`area` read as department, KIND_SYNONYMS); the existing bodies (kinds, aliases, years, notes)
    are kept. The reports are the list's, sorted by body, year and posting date."""
    bodies = {name: info.model_copy(deep=True) for name, info in (existing.bodies if existing else {}).items()}
    registry = Registry(region=region, level=existing.level if existing else None,
                        source=source or (existing.source if existing else None), bodies=bodies)
    reports = []
    for row in read_tsv(text):
        listed = row["body"].strip()
        body = registry.body_of(listed)
        if body is None:
            kind = KIND_SYNONYMS.get(row["kind"], row["kind"])
            registry.bodies[listed] = Body(kind=kind)
            body = listed
        reports.append(Listing(
            year=int(row["year"]), body=body, listed_as=None if listed == body else listed,
            posted=dt.date.fromisoformat(row["posted"]) if row["posted"] else None, url=row["url"] or None,
            template=row["template"] or None, status=row["status"]))
    reports.sort(key=lambda r: (r.body, r.year, r.posted or dt.date.max, r.url or ""))
    registry.reports = reports
    return registry


def to_tsv_rows(registry: Registry) -> list[dict[str, str]]:
    """The registry's reports as rows of the publisher's list (names as listed; kinds the project's)."""
    return [{"year": str(r.year), "body": r.listed_as or r.body, "kind": registry.bodies[r.body].kind,
             "posted": r.posted.isoformat() if r.posted else "", "template": r.template or "",
             "status": r.status, "url": r.url or ""} for r in registry.reports]


def former_names(registry: Registry) -> dict[str, tuple[FormerName, ...]]:
    """Each body's aliases as its former names (bodies.FormerName), each held from the first to the last
    year of the reports listed under it (listed_as); an alias no report is listed under has no years."""
    years: dict[tuple[str, str], list[int]] = {}
    for r in registry.reports:
        if r.listed_as is not None:
            years.setdefault((r.body, name_key(r.listed_as)), []).append(r.year)
    return {body: tuple(FormerName(alias, min(ys), max(ys)) if (ys := years.get((body, name_key(alias))))
                        else FormerName(alias) for alias in info.aliases)
            for body, info in registry.bodies.items()}


def placed_bodies(agencies: dict, registries: Iterable[Registry]) -> Agencies:
    """What is known of each reporting body: its reports/agencies.yaml entry, else what its region's
    registry says of it (a body, under any spelling `characters.name_key` folds: its kind, its region and
    its level, the body's own or the registry's, its id, its aliases as former names). One source for each
    fact: a body the registry names needs no second entry in the agencies file; where the file has one,
    the file's entry is used (a contradiction between the two is a `check` error: kind_problems), with
    the registry's id when it gives none and the registry's aliases besides its own former names."""
    entries: dict[str, Agency] = dict(agencies)
    known = {name_key(name): name for name in entries}
    for registry in registries:
        aliases = former_names(registry)
        for body, info in registry.bodies.items():
            key = known.get(name_key(body))
            entry = entries[key] if key is not None else None
            if entry is None:
                known[name_key(body)] = body
                entries[body] = Agency(body, registry.region, info.level or registry.level, info.kind, info.id,
                                       aliases[body])
                continue
            own = {name_key(f.name) for f in entry.former}
            entries[key] = dataclasses.replace(
                entry, id=entry.id or info.id,
                former=entry.former + tuple(f for f in aliases[body] if name_key(f.name) not in own))
    return Agencies(entries)


def kind_problems(registries: Iterable[Registry], agencies: dict) -> list[tuple[str, int, str]]:
    """Bodies whose kind, level or region in a registry differs from their reports/agencies.yaml entry:
    (file, line, what)."""
    from ..record.files import node_line

    out = []
    for registry in registries:
        text = Path(registry._file).read_text(encoding="utf-8") if registry._file else ""
        for body, info in registry.bodies.items():
            entry = agencies.get(body)
            if entry is None:
                continue
            line = node_line(text, ("bodies", body))
            if entry.kind is not None and entry.kind != info.kind:
                out.append((registry._file, line, f"body {body!r}: kind {info.kind} here, {entry.kind} in "
                                                  "reports/agencies.yaml"))
            level = info.level or registry.level
            if entry.level is not None and level is not None and entry.level != level:
                out.append((registry._file, line, f"body {body!r}: level {level} here, {entry.level} in "
                                                  "reports/agencies.yaml"))
            if entry.region and name_key(entry.region) != name_key(registry.region):
                out.append((registry._file, line, f"body {body!r}: region {registry.region} here, {entry.region} "
                                                  "in reports/agencies.yaml"))
            if entry.id and info.id and entry.id != info.id:
                out.append((registry._file, line, f"body {body!r}: id {info.id} here, {entry.id} in "
                                                  "reports/agencies.yaml"))
    return out + _identity_problems(registries, agencies)


def _identity_problems(registries: Iterable[Registry], agencies: dict) -> list[tuple[str, int, str]]:
    """Where the registries and the agencies file together give a name to two bodies in one year, or one id
    to two bodies: (file, line, what), on the registry that names the body."""
    from ..record.files import node_line

    registries = list(registries)
    placed = placed_bodies(agencies, registries)
    where: dict[str, tuple[str, int]] = {}
    for registry in registries:
        text = Path(registry._file).read_text(encoding="utf-8") if registry._file else ""
        for body in registry.bodies:
            where.setdefault(name_key(body), (registry._file, node_line(text, ("bodies", body))))
    out = []
    for body, _, what in placed.claims.overlaps():
        if name_key(body) in where:
            out.append((*where[name_key(body)], f"body {body!r}: {what} (reports/agencies.yaml and the registries "
                                                "together)"))
    ids: dict[str, str] = {}
    for name, agency in placed.items():
        other = ids.setdefault(agency.body_id, name)
        if other != name and (name_key(name) in where or name_key(other) in where):
            out.append((*(where.get(name_key(name)) or where[name_key(other)]),
                        f"body {name!r}: its id {agency.body_id} is also {other!r}'s"))
    return out


def record_problems(registries: Iterable[Registry], records: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Where a report in the repository (file, Record) and the registry of its body disagree: the registry
    does not list its year, or lists other posting dates or addresses for it. (file, what), warnings."""
    listed: dict[tuple[str, int], list[Listing]] = {}
    owners: dict[str, tuple[Registry, str]] = {}
    for registry in registries:
        for key, body in registry._names().items():
            owners.setdefault(key, (registry, body))
        for r in registry.reports:
            listed.setdefault((name_key(r.body), r.year), []).append(r)
    out = []
    for file, record in records:
        owner = owners.get(name_key(record.agency))
        if owner is None:
            continue
        registry, body = owner
        rows = listed.get((name_key(body), record.year), [])
        where = f"{registry._file or registry.region}"
        if not rows:
            out.append((file, f"{body} {record.year}: not in the registry {where}: add the report's listing"))
            continue
        posted = {r.posted for r in rows if r.posted}
        if record.source.posted_on and posted and record.source.posted_on not in posted:
            out.append((file, f"source.posted_on {record.source.posted_on}, but the registry {where} lists it as "
                              f"posted {', '.join(sorted(map(str, posted)))}"))
        urls = {r.url for r in rows if r.url}
        if record.source.url and urls and record.source.url not in urls:
            out.append((file, f"source.url {record.source.url}, but the registry {where} lists "
                              f"{', '.join(sorted(urls))}"))
    return out
