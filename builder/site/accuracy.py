"""The 数据准确性 page: how the extractor is measured and how it measured, in the open.

The figures are never typed by hand. The tests score the extractor cell by cell on every hand-checked
(gold) record the repository ships (tests/test_accuracy.py) and leave them in ACCURACY_FILE with the
extractor's version; the build publishes them only when that version is its own. A build without the
file, or with one another extractor left, says the figures are missing rather than show old ones. The
file is read as untrusted data (a model with bounds), never as code.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..store.versions import extractor_version
from .views import FORMATS

ACCURACY_FILE = Path("test-output") / "accuracy.json"  # what the test run leaves, under the repository


class Tally(BaseModel):
    """The cells of one source format, scored against the gold records: each printed number read exactly,
    read as another number (wrong), left unread with a finding, left blank without one (silent); and blanks
    the report printed that the record calls unread."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(pattern=r"^(text|html|docx|pdf|pdf-ocr)$")
    reports: int = Field(ge=0, le=1_000_000)
    cells: int = Field(ge=0, le=1_000_000_000)
    exact: int = Field(ge=0, le=1_000_000_000)
    wrong: int = Field(ge=0, le=1_000_000_000)
    unread: int = Field(ge=0, le=1_000_000_000)
    silent: int = Field(ge=0, le=1_000_000_000)
    blank_as_unread: int = Field(ge=0, le=1_000_000_000)

    @property
    def name(self) -> str:
        return FORMATS[self.format]

    @property
    def share(self) -> str:
        return f"{100 * self.exact / self.cells:.2f} %" if self.cells else "—"


class Accuracy(BaseModel):
    """What the test run measured: the extractor's version, the date of the run, a tally per format."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    extractor: str = Field(max_length=100)
    measured_on: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    tallies: list[Tally] = Field(max_length=20)

    @property
    def total(self) -> Tally:
        return Tally(format="text", **{k: sum(getattr(t, k) for t in self.tallies)
                                       for k in ("reports", "cells", "exact", "wrong", "unread", "silent",
                                                 "blank_as_unread")})


def load_accuracy(root: Path) -> tuple[Optional[Accuracy], str]:
    """The figures the test run left (root/ACCURACY_FILE), and why not when they cannot be published: no
    file, not a file of figures, or figures of another extractor than this build's (Chinese, for the page)."""
    path = root / ACCURACY_FILE
    try:
        accuracy = Accuracy.model_validate_json(path.read_bytes())
    except OSError:
        return None, "本次构建没有找到测试运行留下的准确性数据（test-output/accuracy.json）：数字缺失，不显示旧数字。"
    except ValidationError:
        return None, "测试运行留下的准确性数据无法读取：数字缺失，不显示旧数字。"
    if accuracy.extractor != extractor_version():
        return None, ("测试运行留下的准确性数据来自另一版本的提取程序"
                      f"（{accuracy.extractor}，本站为 {extractor_version()}）：数字缺失，不显示旧数字。")
    return accuracy, ""
