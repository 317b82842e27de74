"""python -m builder SUBCOMMAND: the builder's command line.

Exit codes: 0 all well; 1 a report is broken (unreadable, not the template, schema
errors; or, with --strict, any arithmetic finding); 2 the command was used wrongly.
"""
from __future__ import annotations

import argparse
import errno
import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import sys
import time
from pathlib import Path

from . import __version__
from .record.characters import name_key
from .record.models import Finding, json_schema
from .add_report import Refused, add_report
from .record.outcome import Outcome
from .pipeline import extract_file, process_all
from .record.files import node_line, orphaned_records, path_loc, refused_files, scan_reports, to_yaml
from .index.scores import AgenciesError, load_agencies
from .read.text import ReportError
from .read.workers import bounded_call
from .store.owned import Unowned, problems, refuse
from .site import engine
from .site.search_index import BUNDLE, SearchIndexError, index_entries, index_site
from .site.search_entries import ENTRIES
from .site.parts import PartError, manifest_path, parse_part
from .site.shells import ShellError
from .publish import PublishError, publish, size_lines

EXIT_OK, EXIT_BROKEN, EXIT_USAGE = 0, 1, 2
CACHE_DIR = Path(".cache") / "extract"  # extractions by source sha256 and extractor version
STATE_FILE = Path(".cache") / "state.json"  # outcomes of the last build, by file sizes and times
PAGE_CACHE = Path(".cache") / "pages.json"  # what each page was last made from
SITE_EMPTIED = "MkDocs would empty the folder it points to and write the site there"
SITE_WRITTEN = "MkDocs would write the site through it"
MKDOCS_READS = "MkDocs would read what it points to and publish it (or run it, for a hook)"
MKDOCS_INPUTS = ("overrides", "hooks")  # the theme's overrides and the hooks: MkDocs reads every file under them


def _progress(desc: str):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return lambda items, total=None: tqdm(items, desc=desc, unit="report", total=total, file=sys.stderr,
                                          disable=None)


def _finding_line(f: Finding) -> str:
    where = f" at {f.path}" if f.path else ""
    return f"{f.severity}: {f.rule}{where}: {f.message}"


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    try:  # under the per-file limits, as build reads it
        record, findings = bounded_call(args.file, extract_file, args.file)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    errors = [f for f in findings if f.severity == "error"]
    for f in findings:
        if f.severity != "info" or args.verbose:
            print(f"{args.file}: {_finding_line(f)}", file=sys.stderr)
    if errors:
        print(f"error: {args.file}: {len(errors)} cell(s) cannot be read as numbers; no record written",
              file=sys.stderr)
        return EXIT_BROKEN
    sys.stdout.write(to_yaml(record))
    return EXIT_OK


def one_line(text: str) -> str:
    """A line of `check`'s output as one line, whatever a file name or a report holds: a line break in it
    could start a line GitHub Actions reads as a workflow command (`::error::...`)."""
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\x85", " ").replace(
        "\u2028", " ").replace("\u2029", " ")


def escape_data(text: str) -> str:
    """A workflow command's message, escaped by GitHub's rules: it cannot end the command or start another."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file=, line=, title=): also no `:` or `,`, which would end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: str, file: str, line: int, title: str, message: str) -> str:
    return (f"::{level} file={escape_property(file)},line={escape_property(str(line))},"
            f"title={escape_property(title)}::{escape_data(message)}")


_AT_LINE = re.compile(r"(?P<file>[^\s:;][^:;]*?\.yaml):(?P<line>\d+): ")


def _annotation(o: Outcome, name: str, root: Path, severity: str, title: str, message: str,
                path: str | None = None) -> str:
    """A GitHub Actions workflow command that puts the finding on the file and line it concerns."""
    record_file = o.source.with_suffix(".yaml")
    level = "error" if severity == "error" else "warning"
    at = _AT_LINE.search(message) if severity == "error" and not path else None
    if at:  # a record's error names its file and line
        file = _name(Path(at["file"]), root) if Path(at["file"]).is_absolute() else at["file"]
        return workflow_command(level, file, int(at["line"]), title, message)
    if path and record_file.is_file() and not record_file.is_symlink():
        file = record_file.resolve().relative_to(root.resolve()).as_posix() if record_file.resolve(
            ).is_relative_to(root.resolve()) else str(record_file)
        line = node_line(record_file.read_text(encoding="utf-8"), path_loc(path))
    else:
        file, line = name, 1
    return workflow_command(level, file, line, title, message)


def _name(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)


def _report(outcomes: list[Outcome], root: Path, reports: Path | None = None) -> tuple[int, int, int]:
    errors = warnings = 0
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for o in outcomes:
        name = _name(o.source, root)
        if o.error:
            errors += 1
            error = o.error.replace(f"{root.absolute()}{os.sep}", "")  # a record's file named as in the repository
            print(one_line(f"{name}: error: {error}"))
            if github:
                print(_annotation(o, name, root, "error", "unreadable report", error))
            continue
        for f in o.findings:
            errors += f.severity == "error"
            warnings += f.severity == "warning"
            if f.severity != "info":
                print(one_line(f"{name}: {_finding_line(f)}"))
                if github:
                    print(_annotation(o, name, root, f.severity, f.rule, f.message, f.path))
    return len(outcomes), errors, warnings


def _untrusted(root: Path, reports: Path) -> tuple[int, dict | None, list | None]:
    """Print, as errors, what under reports/ is refused unread (links, special files) and what is wrong
    in the agencies file and the registries (reports/registry/*.yaml, each problem on its file and line);
    (the number of errors, the agencies file as read or None if it is wrong, the registries as read or None
    if one is wrong)."""
    from .index.registry import kind_problems, load_registries

    github = os.environ.get("GITHUB_ACTIONS") == "true"
    problems: list[tuple[str, int, str, str]] = []
    scanned = scan_reports(reports)  # listed once for both: 200,000 files at 100,000 reports
    for path, why in refused_files(reports, scanned):
        problems.append((_name(path, root), 1, "refused file", why))
    for path, why in orphaned_records(reports, scanned):
        problems.append((_name(path, root), 1, "orphaned record", why))
    try:
        agencies = load_agencies(reports / "agencies.yaml")
    except AgenciesError as exc:
        agencies = None
        file = _name(Path(exc.file), root) if Path(exc.file).is_absolute() else exc.file
        problems.append((file, exc.line, "agencies file", exc.problem))
    registries, wrong = load_registries(reports)
    for exc in wrong:
        file = _name(Path(exc.file), root) if Path(exc.file).is_absolute() else exc.file
        problems += [(file, line, "registry", why) for line, why in exc.problems]
    if agencies is not None:
        for file, line, why in kind_problems(registries, agencies):
            problems.append((_name(Path(file), root) if Path(file).is_absolute() else file, line, "registry", why))
    for file, line, title, why in problems:
        print(one_line(f"{file}:{line}: error: {why}"))
        if github:
            print(workflow_command("error", file, line, title, why))
    return len(problems), agencies, None if wrong else registries


def _directory_warnings(root: Path, reports: Path, outcomes: list[Outcome], agencies: dict,
                        registries: list) -> int:
    """Print, as warnings, agencies-file entries that match no report and bodies with no entry there
    nor in a registry (ranked as 未分级机关 until they have one); names are matched under
    `characters.name_key`, a report to its body by the name and year it was published under (a former
    name finds its body). Their number."""
    from .index.registry import placed_bodies

    placed = placed_bodies(agencies, registries)
    reported, unplaced = set(), {}
    for o in outcomes:
        if not o.failed:  # a report under a former name is its body's (index/bodies.py: by name and year)
            found = placed.resolve(o.brief.agency, o.brief.year)
            if found is None:
                unplaced.setdefault(name_key(o.brief.agency), o)
            else:
                reported.add(name_key(found.name))
    file = _name(reports / "agencies.yaml", root)
    warnings = []
    for key, name in sorted({name_key(name): name for name in agencies}.items()):
        if key not in reported:
            warnings.append(f"{file}: warning: entry {name!r} matches no report's body")
    for key, o in sorted(unplaced.items()):
        warnings.append(f"{_name(o.source, root)}: warning: {o.brief.agency!r} has no entry in {file} "
                        "nor in a registry (its region, level and kind): it is ranked as 未分级机关")
    for line in warnings:
        print(one_line(line))
    return len(warnings)


def _registry_warnings(root: Path, outcomes: list[Outcome], registries: list) -> int:
    """Print, as warnings, reports whose dates or address differ from their registry's listing, or
    that their body's registry does not list (registry.record_problems). Their number."""
    from .index.registry import record_problems

    good = [(_name(o.source, root), o.record) for o in outcomes if not o.failed]
    problems = record_problems(registries, good) if registries else []
    for file, what in problems:
        print(one_line(f"{file}: warning: {what}"))
    return len(problems)


def _site_problems(root: Path, site_dir: Path, recorded: bool = True) -> list[str]:
    """What makes the site folder not the build's own (store.owned): MkDocs empties it and writes into it;
    and what MkDocs reads besides content/ (mkdocs.yml, overrides/, hooks/) that is a link or a special
    file: it would publish (or run) what a link points to, in the repository or outside it. With
    `recorded`, the folders of site/ as the last build's prune left them are not read (shells.pruned_folders)."""
    inputs = [p for name in MKDOCS_INPUTS for p in problems(root, root / name, why=MKDOCS_READS)]
    inputs += problems(root, root / "mkdocs.yml", folder=False, why=MKDOCS_READS)
    from .site.shells import pruned_folders  # site/'s folders as the last prune left them: those unchanged not read

    return (problems(root, site_dir, deep=False, why=SITE_EMPTIED)
            or problems(root, site_dir, why=SITE_WRITTEN,
                        seen=pruned_folders(root).get("site") if recorded else None)) + inputs


def _unowned(root: Path, cache: list[str]) -> int:
    """Print, as errors, what `build` and `site` would refuse among the paths they write into (store.owned):
    .cache (`cache`: its problems), content/ and its generated pages, site/; their number."""
    from .site.page_cache import output_problems

    found = cache + output_problems(root, root / "content") + _site_problems(root, root / "site", recorded=False)
    for why in found:
        print(one_line(f"error: {why}"))
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(workflow_command("error", why.split(" is ", 1)[0], 1, "refused path", why))
    return len(found)


def cmd_check(args: argparse.Namespace) -> int:
    root = Path(args.root)
    reports = Path(args.reports) if args.reports else root / "reports"
    if not reports.is_dir():
        print(f"error: no reports directory at {reports}", file=sys.stderr)
        return EXIT_USAGE
    cache = problems(root, root / CACHE_DIR.parent)  # a .cache a commit put there: read without it
    refused = _unowned(root, cache)
    outcomes = process_all(reports, root, write=False, progress=_progress("checking"),
                           cache_dir=None if cache else root / CACHE_DIR)
    n, errors, warnings = _report(outcomes, root)
    found, agencies, registries = _untrusted(root, reports)
    refused += found
    # printed; not arithmetic, so not --strict (and nothing to say of an agencies file that is wrong)
    directory = (_directory_warnings(root, reports, outcomes, agencies, registries or [])
                 if agencies is not None else 0)
    directory += _registry_warnings(root, outcomes, registries or [])
    broken = sum(o.failed for o in outcomes)
    print(f"{n} reports: {n - broken} readable, {broken} broken; {errors + refused} errors, {warnings} warnings"
          + (f", {directory} about the agencies file and registries" if directory else ""))
    if broken or refused or (args.strict and warnings):
        return EXIT_BROKEN
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        with build_lock(root):
            outcome = add_report(Path(args.file), root, args.agency, args.year, cache_dir=root / CACHE_DIR)
    except (Busy, Unowned) as exc:
        _error(exc)
        return EXIT_BROKEN
    except Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise  # main() says so
        print(f"error: {args.file}: cannot read the file ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_BROKEN
    _report([outcome], root)
    name = outcome.source.relative_to(root) if outcome.source.is_relative_to(root) else outcome.source
    if outcome.failed:
        print(f"{name}: copied, but its record has errors; fix them by hand in a YAML record beside it")
        return EXIT_BROKEN
    print(f"added {name} and its record {Path(str(name)).with_suffix('.yaml')}: "
          f"{outcome.record.agency}, {outcome.record.year}")
    return EXIT_OK


LOCK_FILE = Path(".cache") / "build.lock"  # one build (or add) at a time in a checkout
LOCK_WAIT = float(os.environ.get("DISCLOSURE_INDEX_LOCK_WAIT", "600"))  # seconds a second build waits


class Busy(Exception):
    """Another build holds the checkout's lock."""


def _error(exc: Exception) -> None:
    """A refusal (Busy, store.owned.Unowned) on stderr, each of its lines an error."""
    for line in str(exc).splitlines():
        print(one_line(f"error: {line}"), file=sys.stderr)


@contextlib.contextmanager
def build_lock(root: Path, wait: float | None = None):
    """Hold the checkout's build lock (an flock on .cache/build.lock, released by the system even when
    a build is killed); a second build waits up to `wait` seconds (LOCK_WAIT), then raises Busy. A .cache
    that is not the build's own folder (a link, a file a commit put there) raises store.owned.Unowned."""
    path = root / LOCK_FILE
    refuse(problems(root, path.parent))  # before the lock file is made in it
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
    with open(path, "a+") as f:
        told = False
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(f"another build is running in {root} (it holds {path}); try again when it ends")
                if not told:
                    print(f"waiting for another build in {root} to end ...", file=sys.stderr)
                    told = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _build(root: Path, out: Path) -> list[Outcome] | None:
    try:
        with build_lock(root):
            return _build_locked(root, out)
    except (Busy, Unowned) as exc:
        _error(exc)
        return None


def _build_locked(root: Path, out: Path) -> list[Outcome] | None:
    """Records, then pages (the build lock held); None if the build is refused or the agencies file or a
    registry is wrong. Raises store.owned.Unowned, before anything is written, if a generated path is not
    the build's own folder."""
    from .site.build import build_site
    from .site.page_cache import output_problems

    refuse(output_problems(root, out, root / PAGE_CACHE))  # before a record is written: build_site looks again
    outcomes = process_all(root / "reports", root, write=True, progress=_progress("extracting"),
                           cache_dir=root / CACHE_DIR, state_file=root / STATE_FILE)
    n, errors, warnings = _report(outcomes, root)
    _, agencies, registries = _untrusted(root, root / "reports")
    if agencies is None or registries is None:  # refused files are left out; a wrong agencies file stops it
        print(f"error: the {'agencies file' if agencies is None else 'registry'} is wrong: no pages written",
              file=sys.stderr)
        return None
    written = build_site(outcomes, root, out, cache_file=root / PAGE_CACHE)
    broken = sum(o.failed for o in outcomes)
    print(f"{n} reports ({broken} broken, {warnings} warnings); {written} pages written")
    return outcomes


def cmd_build(args: argparse.Namespace) -> int:
    root = Path(args.root)
    return EXIT_OK if _build(root, Path(args.out) if args.out else root / "content") is not None else EXIT_BROKEN


def source_date_epoch(outcomes: list[Outcome]) -> int:
    """The site's build date, from the data rather than the clock: the newest date a report printed,
    else the first day after the newest report year (so the same reports give the same site)."""
    records = [o.brief for o in outcomes if o.brief is not None]
    dates = [r.published_on for r in records if r.published_on]
    day = max(dates) if dates else dt.date(max((r.year for r in records), default=2020) + 1, 1, 1)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def finish_site(root: Path, site_dir: Path, shells: bool = True) -> None:
    """What is done to the site folder once the engine has written it, under the build lock: last, once
    every page is written, the search index over them: from the pages' search entries the shells kept
    (search_entries.ENTRIES), made again when one changed (search_index.index_entries); when the engine
    rendered every page, an index of the site itself. Either is made under .cache/ and
    copied where it changed. Raises SearchIndexError."""
    if shells:
        indexed = index_entries(site_dir, root / ENTRIES, root / ".cache" / "search")
    else:
        indexed = index_site(site_dir, root / ".cache" / "pagefind")
    if indexed is None:
        print("search index: no entry changed, kept")
        return
    print(f"search index: {indexed.pages} pages, {indexed.bytes / 1024:.0f} KB in {indexed.files} files")


def cmd_site(args: argparse.Namespace) -> int:
    """The pages, then the engine and the bulk pages in its shells (site.engine.build), under one build lock:
    a second build cannot prune content/ while the engine reads it. The site folder must be absent or a
    real folder with no link under it (the build empties it of what it does not make, and writes into it)."""
    from .site.page_cache import output_problems

    root = Path(args.root)
    site_dir = Path(os.path.abspath(args.site_dir))
    try:
        part = parse_part(args.part) if args.part else None
    except PartError as exc:
        _error(exc)
        return EXIT_USAGE
    if part and args.engine_renders_all:
        _error(PartError("--part makes the bulk pages in the engine's shells: not with --engine-renders-all"))
        return EXIT_USAGE
    try:
        with build_lock(root):
            refuse(_site_problems(root, site_dir) + output_problems(root, root / "content", root / PAGE_CACHE))
            outcomes = _build_locked(root, root / "content")
            if outcomes is None:
                return EXIT_BROKEN
            env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch(outcomes)), "NO_MKDOCS_2_WARNING": "1"}
            done = engine.build(root, site_dir, env, shells=not args.engine_renders_all, others=(BUNDLE,), part=part)
            if done != 0:
                print("error: the site engine (properdocs build --strict) failed", file=sys.stderr)
                return EXIT_BROKEN
            if part:  # a CI matrix's job: its pages and manifest, which a build without --part joins
                made = manifest_path(root, part)
                count = len(json.loads(made.read_text(encoding="utf-8"))["pages"])
                print(f"part {part[0]} of {part[1]}: {count} pages in {site_dir}, listed in {made}")
                return EXIT_OK
            finish_site(root, site_dir, shells=not args.engine_renders_all)
    except (Busy, Unowned, ShellError) as exc:
        _error(exc)
        return EXIT_BROKEN
    except SearchIndexError as exc:
        print(f"error: the search index: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    for line in size_lines(site_dir):
        print(line, file=sys.stderr if line.startswith("warning:") else sys.stdout)
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    """A dated, versioned release of the data under releases/VERSION/ (builder/release.py), made from a
    build of this commit; with --reproduce, a committed release's files made again and checked."""
    from .data.files import FOLDER
    from .release import (NotReproduced, ReleaseError, check_date, check_new, committed_head, make_release,
                          parse_version, reproduce)

    root = Path(args.root)
    date = args.date or dt.datetime.now(dt.timezone.utc).date().isoformat()
    try:
        check_date(date)
        if args.reproduce:
            parse_version(args.version)
        else:  # refused before the build as well as after it (which may write records)
            check_new(root, args.version)
            committed_head(root)
        with build_lock(root):
            if _build_locked(root, root / "content") is None:
                return EXIT_BROKEN
            downloads = root / "content" / FOLDER
            release = (reproduce(root, args.version, downloads) if args.reproduce
                       else make_release(root, args.version, date, downloads))
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BROKEN if isinstance(exc, NotReproduced) else EXIT_USAGE
    except (Busy, Unowned) as exc:
        _error(exc)
        return EXIT_BROKEN
    s = release.manifest.get("summary", {})
    if args.reproduce:
        print(f"release {release.version}: its {len(release.manifest['files'])} files made again are the ones "
              f"published, in {release.data}")
    else:
        print(f"release {release.version} ({release.manifest['date']}) in {release.folder}: {s['reports']} reports, "
              + (f"{s['added']} added, {s['removed']} removed, {s['changed']} cells changed, method "
                 f"{'changed' if s['method_changed'] else 'unchanged'} since {release.manifest['previous']}"
                 if release.manifest["previous"] else "the first release"))
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    """The built site synced to an object store (or any rclone remote): only what changed is uploaded."""
    site_dir = Path(args.site_dir)
    try:
        done = publish(site_dir, args.to)
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    print(f"published {site_dir} to {args.to}: {len(done.uploaded)} files uploaded, {len(done.deleted)} deleted, "
          f"{max(0, done.checked - len(done.uploaded))} unchanged")
    return EXIT_OK


def cmd_registry_import(args: argparse.Namespace) -> int:
    """A publisher's list (registry.tsv) into a registry file under reports/registry/, keeping the bodies
    (kinds, aliases, years, notes) the file already has."""
    from .index.registry import REGISTRY_DIR, RegistryError, import_tsv, load_registry, to_yaml
    from .store.files import write_atomically

    root = Path(args.root)
    target = Path(args.into) if args.into else root / "reports" / REGISTRY_DIR / f"{args.region}.yaml"
    try:
        existing = load_registry(target) if target.exists() else None
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    try:
        registry = import_tsv(Path(args.tsv).read_text(encoding="utf-8"), args.region, existing, args.source)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        print(f"error: {args.tsv}: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, to_yaml(registry))
    try:
        load_registry(target)
    except RegistryError as exc:
        print(f"{target}: written, but wrong: {exc}", file=sys.stderr)
        return EXIT_BROKEN
    print(f"{target}: {len(registry.reports)} reports of {len(registry.bodies)} bodies")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m builder", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("schema", help="print the record's JSON Schema")
    s.set_defaults(func=cmd_schema)

    s = sub.add_parser("extract", help="print the record of one report file as YAML")
    s.add_argument("file")
    s.add_argument("-v", "--verbose", action="store_true", help="also print informational findings")
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("check", help="extract and validate every report under reports/, print findings")
    s.add_argument("--root", default=os.getcwd(), help="the repository (default: here)")
    s.add_argument("--reports", help="the reports directory (default: ROOT/reports)")
    s.add_argument("--strict", action="store_true", help="fail on arithmetic warnings too")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("site", help="build, then the site engine, the report and body pages and the search index: the whole "
                       "site from reports/ into site/")
    s.add_argument("--root", default=os.getcwd(), help="the repository (default: here)")
    s.add_argument("--site-dir", default="site", help="where the site goes (default: site)")
    s.add_argument("--engine-renders-all", action="store_true",
                   help="the engine renders every page (slower); by default the builder writes each report's and "
                        "body's page in the shell of the engine's template page of its kind")
    s.add_argument("--part", metavar="K/N",
                   help="a CI matrix's job: make only part K of N of the report and body pages (by a hash of their "
                        "paths) and their manifest under .cache/parts/; a build without --part, given the parts' "
                        "site folders, search entries and manifests, joins them (docs/national.md)")
    s.set_defaults(func=cmd_site)

    s = sub.add_parser("add", help="copy a report into reports/ under the naming convention, with its record")
    s.add_argument("file")
    s.add_argument("--agency", help="the reporting body, if the report's title does not say it right")
    s.add_argument("--year", type=int, help="the year the report covers, if the title does not say it")
    s.add_argument("--root", default=os.getcwd(), help="the repository (default: here)")
    s.set_defaults(func=cmd_add)

    s = sub.add_parser("registry-import", help="import a publisher's list of reports (TSV) into reports/registry/")
    s.add_argument("tsv", help="the list: year, body, kind, posted, template, status, url (tab-separated)")
    s.add_argument("--region", required=True, help="the region, as in reports/agencies.yaml")
    s.add_argument("--into", help="the registry file (default: ROOT/reports/registry/REGION.yaml)")
    s.add_argument("--source", help="where the list comes from (kept in the file)")
    s.add_argument("--root", default=os.getcwd(), help="the repository (default: here)")
    s.set_defaults(func=cmd_registry_import)

    s = sub.add_parser("publish", help="sync the built site to an object store with rclone (only what changed)")
    s.add_argument("--to", required=True, help="an rclone remote (store:bucket/path, from RCLONE_CONFIG_* variables) or a folder")
    s.add_argument("--site-dir", default="site", help="the built site (default: site)")
    s.set_defaults(func=cmd_publish)

    s = sub.add_parser("release", help="a dated, versioned release of the data under releases/VERSION/ with its 变更说明")
    s.add_argument("version", help="YEAR.MONTH.N, e.g. 2026.12.0, newer than every release under releases/")
    s.add_argument("--date", help="the release's date, YYYY-MM-DD (default: today, UTC)")
    s.add_argument("--reproduce", action="store_true",
                   help="make a committed release's files again and check them against its manifest")
    s.add_argument("--root", default=os.getcwd(), help="the repository (default: here)")
    s.set_defaults(func=cmd_release)

    s = sub.add_parser("build", help="write records beside new reports and the site's pages into content/")
    s.add_argument("--root", default=os.getcwd(), help="the repository (default: here)")
    s.add_argument("--out", help="where the pages go (default: ROOT/content)")
    s.set_defaults(func=cmd_build)
    return p


DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)  # no room: the disk, the quota, or a file size limit


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            raise
        # every file is written whole or not at all (store.files.write_atomically): what was there stays
        print(f"error: cannot write {exc.filename or 'a file'}: {exc.strerror or exc} (disk full?); the "
              f"{args.command} stopped, and every file it had not finished is as it was before", file=sys.stderr)
        return EXIT_BROKEN
