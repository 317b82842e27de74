"""Atom feeds (RFC 4287) to follow a body, a province or the whole site in any feed reader: a report
added, a cell corrected by hand, a review flag raised, a report late or not found once its deadline
(条例第四十九条) has passed.

feeds/all.xml is the site's; feeds/agencies/BODY.xml a body's (under the name its page is shown under);
feeds/regions/PROVINCE.xml a province's. Each holds its newest FEED_ENTRIES entries. An entry's id is a
tag URI (RFC 4151) made of what the entry is about (the report, the cell and the commit, the flag's rule
and cell), never of when the feed was written: a reader never sees an entry twice. Dates come from the
data (the commit that added a report or made a correction, the dates a report prints or was posted, a
deadline), never from the clock: the same repository gives the same feeds.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

from ..index.coverage import Entry
from ..index.history import git
from ..index.wording import cell_name, describe
from ..record.models import Finding
from ..record.characters import name_key
from ..store.files import _key
from .page_cache import SiteWriter
from .views import ReportView, province, slug

FEED_ENTRIES = 50  # the newest entries a feed holds: a reader that polls daily misses none
TAG = "tag:disclosure-index.github.io,2026:"  # the authority and date of every entry's id (RFC 4151)
FLAG_RULES = ("across_years.", "review.")  # the review flags (index/flags.py), not the template's arithmetic
SITE_FEED = "feeds/all.xml"
SITE_NAME = "公开年报指数"  # as mkdocs.yml names the site


def agency_feed(body: str) -> str:
    """A body's feed, by the name its page is shown under, relative to the site root."""
    return f"feeds/agencies/{slug(body)}.xml"


def region_feed(name: str) -> str:
    """A province's feed, relative to the site root."""
    return f"feeds/regions/{slug(name)}.xml"


@dataclass(frozen=True)
class Event:
    """One entry: what happened (`kind`: report | correction | flag | late | missing), to which body in
    which province, when (a date of the data), its title and text in Chinese, the page it links to
    (relative to the site root) and its stable id. A flag's text is made from its finding when a feed
    shows it (`text`): a national site holds tens of thousands of flags, a feed the newest 50."""
    id: str
    kind: str
    body: str
    province: str
    when: dt.date
    title: str
    summary: str
    page: str
    finding: Finding | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        """The entry's text: its summary, or its finding described (index/wording.py)."""
        return self.summary or (describe(self.finding) if self.finding else "")


def added_dates(root: Path) -> dict[str, dt.date]:
    """The date each source under reports/ was first committed (its path relative to root → date), from
    one `git log`; empty outside a git repository."""
    out: dict[str, dt.date] = {}
    text = git(root, "log", "--diff-filter=A", "--format=%x00%cs", "--name-only", "--", "reports/")
    date = None
    for line in (text or "").splitlines():
        if line.startswith("\0"):
            date = dt.date.fromisoformat(line[1:])
        elif line.strip() and date is not None:
            out[line.strip()] = date  # the log runs newest first: the first commit that added it wins
    return out


def _page(url: str) -> str:
    return url.replace(".md", "/")


def events(views: Iterable[ReportView], entries: Iterable[Entry], bodies: dict[str, str], root: Path,
           added: dict[str, dt.date], data_date: dt.date) -> list[Event]:
    """Every event the feeds may hold, newest first. `bodies` maps a body's id (scores.Agency.body_id, which
    an event's id holds, so that it stays the same when the body is renamed) to the name its page is shown
    under; `added`: added_dates(root); `data_date`: the date the
    data stands at (a deadline after it has not passed). A report's date is its first commit, else the
    date it was posted or prints, else the first day after the year it reports on."""
    out: list[Event] = []
    for v in views:
        b, body = v.brief, v.body or v.brief.agency
        page = _page(v.url)
        when = added.get(os.path.relpath(v.outcome.source, root)) or b.posted_on or b.published_on \
            or dt.date(b.year + 1, 1, 1)
        base = f"{TAG}{b.year}/{v.agency.body_id}"
        out.append(Event(f"{base}/report", "report", body, v.province, when, f"{body} {b.year} 年报告已收录",
                         f"{body}的 {b.year} 年政府信息公开工作年度报告已收录，可查看逐项数据与核对结果。", page))
        for path, change in sorted(v.changes.items()):
            if change is None:
                continue
            out.append(Event(f"{base}/correction/{path}/{change.commit}", "correction", body, v.province,
                             dt.date.fromisoformat(change.date), f"{body} {b.year}：{cell_name(path)} 人工更正",
                             f"{cell_name(path)} 经人工更正（提交 {change.commit}：{change.subject}）。", page))
        for f in v.outcome.findings:
            if f.rule.startswith(FLAG_RULES):
                out.append(Event(f"{base}/flag/{f.rule}/{f.path or ''}", "flag", body, v.province, when,
                                 f"{body} {b.year}：待复核", "", page, f))
    for e in entries:
        if e.due > data_date or not (e.state == "missing" or e.timeliness == "late"):
            continue
        body = bodies.get(e.body_id, e.body)
        base = f"{TAG}{e.year}/{e.body_id or name_key(body)}"
        if e.state == "missing":
            out.append(Event(f"{base}/missing", "missing", body, province(e.region), e.due,
                             f"{body} {e.year} 年报告未见公开", f"截至 {e.due}（条例第四十九条的期限）未见{body}的 "
                             f"{e.year} 年报告。", "coverage/"))
        else:
            out.append(Event(f"{base}/late", "late", body, province(e.region), e.date or e.due,
                             f"{body} {e.year} 年报告逾期 {e.late_days} 天", f"{body}的 {e.year} 年报告于 {e.date} "
                             f"公开，晚于期限 {e.due} {e.late_days} 天。", _page(e.page) if e.page else "coverage/"))
    out.sort(key=lambda ev: (ev.when, ev.id), reverse=True)
    return out


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom(title: str, feed_path: str, events_: list[Event], site_name: str) -> str:
    """One feed as Atom XML (text): its newest FEED_ENTRIES events. Links are relative to the site root,
    which the feed's xml:base names relative to the feed itself."""
    chosen = events_[:FEED_ENTRIES]
    root = "../" * feed_path.count("/")
    updated = _stamp(chosen[0].when) if chosen else "1970-01-01T00:00:00Z"
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN" xml:base={quoteattr(root or "./")}>',
             f"  <id>{escape(TAG + feed_path)}</id>",
             f"  <title>{escape(title)}</title>",
             f"  <updated>{updated}</updated>",
             f"  <author><name>{escape(site_name)}</name></author>",
             f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_path)}/>',
             '  <link rel="alternate" type="text/html" href="./"/>']
    for ev in chosen:
        lines += ["  <entry>",
                  f"    <id>{escape(ev.id)}</id>",
                  f"    <title>{escape(ev.title)}</title>",
                  f"    <updated>{_stamp(ev.when)}</updated>",
                  f'    <link rel="alternate" type="text/html" href={quoteattr(ev.page)}/>',
                  f'    <category term="{ev.kind}"/>',
                  f"    <summary>{escape(ev.text)}</summary>",
                  "  </entry>"]
    return "\n".join(lines + ["</feed>", ""])


def _fields(finding: Finding | None) -> tuple | None:
    """A finding's fields, which its text is worded from: a feed's key (a model's repr costs ten times more)."""
    return finding and (finding.rule, finding.severity, finding.path, finding.printed, finding.expected, finding.message)


def write_feeds(writer: SiteWriter, events_: list[Event], site_name: str, former: dict[str, str] | None = None
                ) -> None:
    """The site's feed, each body's and each province's, written through the site's writer (a feed whose
    bytes are unchanged is not written again). `former`: a former name → the name of its body's page: the
    body's feed is also written at the former name's address (unless a body's own feed is there), so that
    a reader who followed the body under its old name keeps following it."""
    by_body: dict[str, list[Event]] = {}
    by_region: dict[str, list[Event]] = {}
    for ev in events_:
        by_body.setdefault(ev.body, []).append(ev)
        by_region.setdefault(ev.province, []).append(ev)
    feeds = [(SITE_FEED, f"{site_name}：全部更新", events_)]
    feeds += [(agency_feed(body), f"{body}：更新", evs) for body, evs in by_body.items()]
    own = {agency_feed(body) for body in by_body}
    feeds += [(agency_feed(name), f"{body}：更新", by_body[body]) for name, body in sorted((former or {}).items())
              if body in by_body and agency_feed(name) not in own]
    feeds += [(region_feed(name), f"{name}：更新", evs) for name, evs in by_region.items()]
    for path, title, evs in feeds:
        # made only when what it shows changed: its newest events (a flag's text from its finding)
        shown = [(ev.id, ev.kind, ev.when, ev.title, ev.summary, ev.page, _fields(ev.finding))
                 for ev in evs[:FEED_ENTRIES]]
        writer.page(path, _key("feed", path, title, site_name, shown),
                    lambda title=title, path=path, evs=evs: atom(title, path, evs, site_name))
