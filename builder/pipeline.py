"""The whole path for one report, and for all of reports/: source → record → findings.

A committed record is authoritative: a person may have corrected it. Extraction runs again
only when the source's bytes or the extractor changed, and then the cells a person corrected
are carried over. A cell that differs from what extraction reads, and is not yet listed under
`corrected`, is a hand correction: `build` lists it. One bad report never stops the others:
each outcome carries its own error.
"""
from __future__ import annotations

import copy
import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from .read import workers
from .record.characters import name_key
from .record.checks import check_across_years, check_record
from .index.flags import check_jumps, check_narrative
from .extract.to_record import extract
from .extract.infer import infer
from .record.outcome import Outcome, outcome_key, record_digest
from .record.models import META_PATHS, Finding, Record, get_path, iter_cells, set_path
from .record.files import RECORD_SUFFIX, RecordError, find_sources, load_record, record_path, to_yaml
from .store.files import file_stamp, files_digest, plain, without_gc, write_atomically
from .store.sealed import load_cache, save_cache
from .store.versions import extractor_version
from .read.limits import limits
from .store.shards import ShardedCache
from .read.text import LimitError, ReportError, check_size
from .read.sources import read_source

PARALLEL_FROM = 64  # below this many reports, starting worker processes costs more than it saves

def extract_file(path: str | Path, repo_path: str | None = None,
                 data: bytes | None = None) -> tuple[Record, list[Finding]]:
    """Extract, infer and check one source file. Raises ReportError if it is not a readable report."""
    source = read_source(path, data)
    extraction = extract(source, repo_path=repo_path)
    record = extraction.record
    record.source.extractor = extractor_version()
    findings = extraction.findings + infer(record)
    return record, findings + check_record(record)


class Cache:
    """Extractions keyed by the source's sha256 and the extractor's version (under .cache/)."""

    def __init__(self, directory: Path | None):
        self.directory = directory

    def _path(self, sha: str) -> Path | None:
        return self.directory / f"{sha}-{extractor_version()}.json" if self.directory else None

    def get(self, sha: str) -> dict | None:
        """The entry for these bytes, or None: missing, damaged, or not sealed by this machine's builder."""
        path = self._path(sha)
        if path is None:
            return None
        entry = load_cache(path)
        return entry if isinstance(entry, dict) else None

    def put(self, sha: str, entry: dict) -> None:
        """Keep an entry; a cache that cannot be written (a full disk) is skipped: the record does not
        depend on it, and the next build reads the file again."""
        path = self._path(sha)
        if path is not None:
            try:
                save_cache(path, entry)
            except OSError:
                pass


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _extract_cached(source: Path, repo_path: str, data: bytes, sha: str,
                    cache: Cache) -> tuple[Record, list[Finding]]:
    entry = cache.get(sha)
    if entry is not None and "error" not in entry:
        try:
            record = Record.model_validate(entry["record"])
            findings = [Finding.model_validate(f) for f in entry["findings"]]
        except (ValueError, TypeError, KeyError):  # not an entry this builder writes: read again
            entry = None
        else:
            record.source.path = repo_path  # the same bytes may have been committed under another name
            return record, findings
    if entry is None:
        try:
            record, findings = extract_file(source, repo_path, data)
        except LimitError:
            raise  # not remembered: a build with a higher limit reads the file
        except ReportError as exc:
            cache.put(sha, {"error": exc.reason})
            raise
        cache.put(sha, {"record": record.dump(), "findings": [f.model_dump() for f in findings]})
        return record, findings
    raise ReportError(source, str(entry["error"]))


def _hand_edits(committed: Record, fresh: Record) -> list[str]:
    """What the committed record says differently from what extraction reads, not yet listed under
    `corrected`: cells, the fields of META_PATHS (a body's name, its year, its dates), and cells a
    person took off `unread` (confirming the report left them blank)."""
    read = dict(iter_cells(fresh))
    edits = [path for path, value in iter_cells(committed)
             if path not in committed.corrected and path not in committed.inferred
             and (value != read[path] or (path in fresh.unread and path not in committed.unread))]
    edits += [path for path in META_PATHS
              if path not in committed.corrected and get_path(committed, path) != get_path(fresh, path)]
    return edits


def _carry_corrections(fresh: Record, committed: Record) -> Record:
    """A new extraction with what a person corrected in the committed record put back."""
    record = fresh.model_copy(deep=True)
    for path in committed.corrected:
        set_path(record, path, get_path(committed, path))
    record.corrected = list(committed.corrected)
    return _unlist_corrected(record)


def _unlist_corrected(record: Record) -> Record:
    """A corrected cell has one status, corrected: it leaves inferred, unread and not_applicable."""
    for listed in (record.inferred, record.unread, record.not_applicable):
        listed[:] = [p for p in listed if p not in record.corrected]
    return record


def _reconcile(committed: Record, fresh: Record, sha: str) -> tuple[Record, list[Finding], bool]:
    """The record to publish, given the committed one and a fresh extraction of the source as it is
    now: (record, findings, kept as the person left it).

    - untouched since the builder wrote it: the fresh extraction, with the listed corrections put back;
    - edited by a person, same source and extractor: the committed record, its hand edits listed;
    - edited by a person, and the source or the extractor changed since: which cells the person changed
      cannot be told apart from what the new file or extractor reads differently, so the record stays
      exactly as the person left it, never re-extracted over, and each difference is a conflict to
      resolve (an error when the source was replaced: the record describes another file)."""
    unchanged = committed.source.sha256 == sha
    same_extractor = committed.source.extractor == fresh.source.extractor
    edited = committed.source.digest != record_digest(committed)  # by a person, since last written
    unlisted = _hand_edits(committed, fresh)
    if not edited:
        record = _carry_corrections(fresh, committed)
        notes = []
        if not unchanged and committed.corrected:
            notes.append(Finding(
                rule="extract.source_replaced", severity="info",
                message=f"the source file changed and was read again; hand-corrected cells kept: "
                        f"{', '.join(committed.corrected)}"))
        return record, notes, False
    record = committed.model_copy(deep=True)
    if unchanged and same_extractor:
        record.corrected = sorted(set(record.corrected) | set(unlisted))
        return _unlist_corrected(record), [], True
    if not unlisted:
        # nothing differs from the new reading but what the person listed: take the new reading
        return _carry_corrections(fresh, committed), [], False
    why = ("the source file was replaced" if not unchanged else "the extractor changed")
    severity = "error" if not unchanged else "warning"
    notes = [Finding(
        rule="extract.hand_edit_conflict", severity=severity, path=path,
        message=f"the record was edited by hand and {why} before a build listed the edits: it is kept exactly "
                f"as the person left it, and its value here is shown as set by a person; {path} reads "
                f"{get_path(fresh, path)!r} now, the record has {get_path(committed, path)!r}. List it under "
                "`corrected` if a person set it, or delete the record to read the report again")
        for path in unlisted]
    # what no extraction reads now is never shown as printed: the kept values are a person's (the record
    # file is left as it is until a person resolves the conflict)
    record.corrected = sorted(set(record.corrected) | {p for p in unlisted if p not in META_PATHS})
    return _unlist_corrected(record), notes, True


def _set_by_hand(committed: Record) -> tuple[Record, list[str]]:
    """A record no extraction read (its source unreadable), with every cell of its edition that it does
    not list as not applicable, unread or inferred listed as corrected: a person set it. (record, the
    cells newly listed). The record file is left as the person wrote it."""
    record = committed.model_copy(deep=True)
    listed = set(record.corrected) | set(record.not_applicable) | set(record.unread) | set(record.inferred)
    by_hand = [path for path, _ in iter_cells(record, own=True) if path not in listed]
    record.corrected = [*record.corrected, *by_hand]
    return record, by_hand


def _as_extracted(record: Record, fresh: Record) -> list[Finding]:
    """For each corrected cell or field, what extraction reads there now (so that a page shows it
    beside the correction): rule `correction.extracted`, the value in `printed` when it is a number,
    the status and value in the message."""
    out = []
    for path in record.corrected:
        value = get_path(fresh, path)
        out.append(Finding(rule="correction.extracted", severity="info", path=path,
                           printed=value if isinstance(value, (int, float)) and not isinstance(value, bool) else None,
                           message=f"extraction reads {fresh.status(path, value)}: {value}"))
    return out


def process(source: Path, root: Path, write: bool = False, cache: Cache | None = None) -> Outcome:
    """The record of one report, per the rules in this module's docstring and `_reconcile`; written
    beside the source when `write` and it changed."""
    cache = cache or Cache(None)
    outcome = Outcome(source)
    target = record_path(source)
    repo_path = _relative(source, root)
    # the state file keys the outcome by the source as it was BEFORE it was read (a file edited during
    # the build is read again by the next one) and by the record as this build leaves it
    outcome.stamp = _state_key(source)
    try:
        check_size(repo_path, source.stat().st_size)
        data = source.read_bytes()
    except OSError as exc:
        outcome.error = f"cannot read the file ({exc.strerror or exc})"
        return outcome
    except LimitError as exc:
        outcome.error = exc.reason
        return outcome
    sha = hashlib.sha256(data).hexdigest()
    committed = None
    try:
        present = target.exists()
    except OSError as exc:  # a name the file system does not take (one byte too long)
        outcome.error = _unwritable(target, exc)
        return outcome
    if present:
        try:
            committed = load_record(target)
        except RecordError as exc:
            outcome.error = exc.reason
            return outcome
    try:
        fresh, findings = _extract_cached(source, repo_path, data, sha, cache)
        outcome.extracted = True
    except ReportError as exc:
        if committed is not None and committed.source.sha256 == sha:
            # a record typed by hand for a report the extractor cannot read stands, each of its cells
            # published as set by a person (no extraction read any), never as printed
            record, by_hand = _set_by_hand(committed)
            outcome.record = record
            outcome.findings = check_record(record) + check_narrative(record) + [Finding(
                rule="extract.unreadable", severity="warning",
                message=f"extraction cannot read the source ({exc.reason}): the record stands as a person typed "
                        f"it, its {len(by_hand)} cells shown as set by a person (corrected)")]
            outcome.key = outcome_key(record, outcome.findings)
            return outcome
        outcome.error = exc.reason
        return outcome
    record, notes, as_left = fresh, [], False
    if committed is not None:
        record, notes, as_left = _reconcile(committed, fresh, sha)
    # what extraction noticed, except about cells a person has since corrected; then the arithmetic
    # of the record as it stands
    findings = [f for f in findings if f.rule.startswith(("extract.", "inference.", "read."))
                and f.path not in record.corrected] + notes + _as_extracted(record, fresh) + check_record(record) \
        + check_narrative(record)
    outcome.record, outcome.findings = record, findings
    # a record in conflict stays as the person left it, byte for byte, until a person resolves it
    if write and not outcome.failed and not (as_left and notes):
        record.source.digest = record_digest(record)
        text = to_yaml(record)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            try:
                write_atomically(target, text)
            except OSError as exc:  # a folder not writable, a file system full
                outcome.error = _unwritable(target, exc)
                return outcome
            outcome.written = True
            outcome.stamp = (outcome.stamp[0], file_stamp(target, inputs=True), outcome.stamp[2])
        # the bytes it stands for: the source as read, the record as this build leaves it (state file)
        outcome.digests = (sha, hashlib.sha256(text.encode("utf-8")).hexdigest())
    outcome.key = outcome_key(record, outcome.findings)
    return outcome


def _unwritable(record_file: Path, exc: OSError) -> str:
    """The error of a report whose record file cannot be looked up or written."""
    return f"its record cannot be written as {record_file.name} ({exc.strerror or exc})"


def _process_one(args: tuple[Path, Path, bool, Path | None]) -> Outcome:
    source, root, write, cache_dir = args
    return process(source, root, write, Cache(cache_dir))


def _state_key(source: Path) -> tuple:
    """What an outcome depends on: the source file, its record file (each by size, modification and
    change time: store.files.file_stamp), and the extractor."""
    return (file_stamp(source, inputs=True), file_stamp(os.path.splitext(source)[0] + RECORD_SUFFIX, inputs=True),
            extractor_version())


def _state_version() -> str:
    """The extractor, this module and the limits in force (an outcome over a limit stands for these)."""
    return extractor_version() + _module_digest() + hashlib.sha256(repr(limits()).encode()).hexdigest()[:10]


@lru_cache(maxsize=1)
def _module_digest() -> str:
    """This module, the outcomes it keeps (builder/record/outcome.py), the review flags it adds to them
    (builder/index/flags.py) and the workers that word the errors of reports stopped at a limit
    (builder/read/workers.py)."""
    here = Path(__file__).parent
    return files_digest([Path(__file__), here / "record" / "outcome.py", here / "index" / "flags.py",
                         here / "read" / "workers.py"], named=False)[:10]


def _failed(source: Path, error: str, stamp) -> Outcome:
    outcome = Outcome(source, error=error)
    outcome.stamp = stamp
    return outcome


def _extracted(task: tuple, status: str, value, keys: dict) -> Outcome:
    """The outcome of one report read in a worker (workers.run_bounded's answer): its own, or its error."""
    source = task[0]
    if status == workers.OK:
        return value
    if status == workers.ERROR:  # a bug the file revealed: this report's error, never the build's end
        return _failed(source, f"the builder failed on this file ({workers.describe(value)}); please report it", None)
    return _failed(source, workers.why_stopped(status, value, limits().max_seconds),
                   None if status == workers.MEMORY else keys[source])


def _outcome_shards(state_file: Path) -> ShardedCache:
    """Where each report's outcome is kept: shards beside the state file (state-outcomes.NN.json), so
    that a build that reads one report writes one shard again (shards.py)."""
    return ShardedCache(state_file.with_name(f"{state_file.stem}-outcomes{state_file.suffix}"), _state_version())


def _same_bytes(candidates: list[tuple[Path, tuple[Any, Outcome]]], keys: dict[Path, Any]) -> dict[Path, Outcome]:
    """The outcomes whose files' sizes or times changed but not their bytes (a fresh checkout, as every
    deploy run makes, gives every file a new time): the source's and the record's sha256 are those the
    outcome stands for (Outcome.digests), with the same extractor; the state then keeps it under the
    files' new stamps. A file over the size limit is not read for this (it is refused anyway)."""
    out = {}
    for source, (key, outcome) in candidates:
        if outcome.digests is None or not isinstance(key, list) or len(key) != 3 or key[2] != keys[source][2]:
            continue
        stamp = keys[source][0]
        try:
            check_size(str(source), stamp[0] if stamp else 0)
            digests = (hashlib.sha256(source.read_bytes()).hexdigest(),
                       hashlib.sha256(record_path(source).read_bytes()).hexdigest())
        except (OSError, LimitError):
            continue
        if digests == outcome.digests:
            out[source] = outcome
    return out


def _load_state(state_file: Path | None, shards: ShardedCache | None) -> tuple[dict, dict]:
    """The last run's outcomes by source, and its across-year findings by agency."""
    if state_file is None or shards is None:
        return {}, {}
    state = load_cache(state_file)  # None unless sealed by this machine's builder
    across: dict = {}
    try:
        if isinstance(state, dict) and state.get("version") == _state_version():
            across = {agency: (keys, [(source, Finding.model_validate(f)) for source, f in pairs])
                      for agency, (keys, pairs) in state["across"].items()}
    except (ValueError, TypeError, KeyError, AttributeError):  # not what this builder writes: made again
        across = {}
    outcomes = {}
    for source, entry in shards.load().items():
        try:
            key, digests, data = entry
            outcome = Outcome.from_data(Path(source), data)
            if digests is not None:
                outcome.digests = (str(digests[0]), str(digests[1]))
            outcomes[source] = (key, outcome)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):  # not what this builder writes
            pass
    return outcomes, across


def body_keys(reports_dir: Path) -> Callable[[str, int], str]:
    """A report's body, by the name it was published under and its year: the body's id
    (index/bodies.py), which its former names share, through reports/agencies.yaml and the registries;
    a body they do not know (or a wrong agencies file, which `check` reports) by its name under `name_key`."""
    from .index.registry import load_registries, placed_bodies
    from .index.scores import AgenciesError, load_agencies

    try:
        placed = placed_bodies(load_agencies(reports_dir / "agencies.yaml"), load_registries(reports_dir)[0])
    except AgenciesError:
        placed = placed_bodies({}, [])

    def key(name: str, year: int) -> str:
        found = placed.resolve(name, year)
        return found.body_id if found is not None else name_key(name)
    return key


def _across_years(good: list[Outcome], cached: dict, body: Callable[[str, int], str]
                  ) -> tuple[dict, list[tuple[str, Finding]]]:
    """The across-year findings, (source, finding), per body (`body`: body_keys, so that a body's years
    under a former name and under its present one are checked together); a body whose reports are as they
    were at the last run keeps its findings without its records being read."""
    by_agency: dict[str, list[Outcome]] = {}
    for o in good:
        by_agency.setdefault(body(o.brief.agency, o.brief.year), []).append(o)
    found, out = {}, []
    for agency, members in by_agency.items():
        years = {o.brief.year for o in members}
        if not any(y + 1 in years for y in years):
            continue
        keys = plain(sorted((o.brief.year, str(o.source), o.key or "") for o in members))
        if agency in cached and cached[agency][0] == keys and all(o.key for o in members):
            pairs = cached[agency][1]
        else:
            # not kept parsed: every body's, from nothing; checked as one body's years under whichever name
            # each was published (a copy under one name, as the checks pair a name's consecutive years)
            records = [o.read_record().model_copy(update={"agency": members[0].brief.agency}) for o in members]
            source_of = {id(r): str(o.source) for r, o in zip(records, members)}
            pairs = [(source_of[id(r)], f) for r, f in check_across_years(records) + check_jumps(records)]
        found[agency] = (keys, pairs)
        out += pairs
    return found, out


@without_gc
def process_all(reports_dir: Path, root: Path, write: bool = False, progress=None,
                cache_dir: Path | None = None, jobs: int | None = None,
                state_file: Path | None = None) -> list[Outcome]:
    """Every report under reports_dir, in parallel over the machine's cores when there are many.

    With a state file, a report whose source and record files are as they were at the last run
    (size and modification time) and whose extractor is the same keeps its outcome without being
    read again (its record is parsed only if a page needs it): adding one report to thousands
    processes one."""
    # read in worker processes, reused from report to report, so that one report's time and memory
    # are bounded (builder/read/limits.py): one worker below PARALLEL_FROM reports, else one per core. The
    # first is started before the last build's state is loaded: a process forks in a few milliseconds
    # while small, and in tens once it holds thousands of outcomes (adding one report makes one)
    first = workers.Worker(_process_one)
    try:
        sources = list(find_sources(reports_dir))
        shards = _outcome_shards(state_file) if state_file is not None else None
        state, across = _load_state(state_file, shards)
        keys = {s: plain(_state_key(s)) for s in sources}
        known = {s: state[str(s)][1] for s in sources if str(s) in state and state[str(s)][0] == keys[s]}
        same = _same_bytes([(s, state[str(s)]) for s in sources if s not in known and str(s) in state], keys)
        known.update(same)
        todo = [s for s in sources if s not in known]
        jobs = jobs or os.cpu_count() or 1
        tasks = [(s, root, write, cache_dir) for s in todo]
        n_workers = jobs if jobs > 1 and len(tasks) >= PARALLEL_FROM else 1
        results: Iterable[Outcome] = (_extracted(*answer, keys) for answer in workers.run_bounded(
            _process_one, tasks, n_workers, first=first)) if tasks else iter(())
        fresh = list(progress(results, total=len(tasks)) if progress else results)
    finally:
        first.stop(kill=bool(first.tasks))  # a second stop of a worker run_bounded stopped does nothing
    by_source = {**known, **{o.source: o for o in fresh}}
    outcomes = [by_source[s] for s in sources]
    good = [o for o in outcomes if not o.failed]
    body = body_keys(reports_dir)
    across, found = _across_years(good, across, body)
    if shards is not None:  # the outcomes before the across-year findings, which depend on the others
        try:
            shards.save({str(o.source): o for o in outcomes},
                        lambda o: (keys[o.source] if o.source in known else plain(o.stamp or _state_key(o.source)),
                                   o.digests, o.to_data()),
                        changed=[str(o.source) for o in fresh] + [str(s) for s in same])
            save_cache(state_file, {
                "version": _state_version(),
                "across": {agency: (keys_, [(source, f.model_dump()) for source, f in pairs])
                           for agency, (keys_, pairs) in across.items()}})
        except OSError as exc:  # a full disk: the state is a cache, the records stand without it
            print(f"warning: cannot save the build's state ({exc.filename}: {exc.strerror or exc}): the next "
                  "build reads every report again", file=sys.stderr)
    outcomes = [copy.copy(o) for o in outcomes]
    by_path = {str(o.source): o for o in outcomes}
    for source, finding in found + _same_body_and_year(good, root, body):
        owner = by_path[source]
        owner.findings = owner.findings + [finding]
    return outcomes


def _same_body_and_year(good: list[Outcome], root: Path, body: Callable[[str, int], str]
                        ) -> list[tuple[str, Finding]]:
    """One body, one year, one source: an error on every report of a body and year that has more than
    one source file (a revised copy beside the original), naming the others. Which one stands is a
    person's decision; until then neither is published. Bodies are the same under `body` (body_keys: under a
    former name too)."""
    by_key: dict[tuple[str, int], list[Outcome]] = {}
    for o in good:
        by_key.setdefault((body(o.brief.agency, o.brief.year), o.brief.year), []).append(o)
    out = []
    for (_, year), members in by_key.items():
        if len(members) < 2:
            continue
        for o in members:
            others = ", ".join(_relative(m.source, root) for m in members if m is not o)
            out.append((str(o.source), Finding(
                rule="reports.duplicate", severity="error",
                message=f"{o.brief.agency} has more than one {year} report: this file and {others}; keep one "
                        "(remove the other, or correct the year or body of the record that is not this report)")))
    return out
