"""What the staff screen shows: sections of status rows, each with optional actions.

Devices, sync and the store each add a section; the screen only renders snapshots, taken on
a worker thread, so a slow device query never freezes the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StatusRow:
    label: str
    value: str
    ok: bool | None = None  # None: informational


@dataclass
class Section:
    title: str
    rows: Callable[[], list[StatusRow]]
    #: button label → action; the action returns a short message for the screen
    actions: dict[str, Callable[[], str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionSnapshot:
    title: str
    rows: list[StatusRow]
    actions: list[str]


class Diagnostics:
    def __init__(self) -> None:
        self.sections: list[Section] = []

    def add(self, section: Section) -> None:
        self.sections.append(section)

    def snapshot(self) -> list[SectionSnapshot]:
        out = []
        for s in self.sections:
            try:
                rows = s.rows()
            except Exception as e:  # noqa: BLE001 - one broken section must not hide the others
                rows = [StatusRow("错误", f"{type(e).__name__}: {e}", False)]
            out.append(SectionSnapshot(s.title, rows, list(s.actions)))
        return out

    def run(self, title: str, action: str) -> str:
        for s in self.sections:
            if s.title == title and action in s.actions:
                return s.actions[action]()
        raise KeyError(f"no action {action!r} in section {title!r}")
