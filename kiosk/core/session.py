"""The state of one resident's visit at the kiosk.

Everything a visit accumulates lives here and nowhere else in the core, so that ending the
visit (logout, idle timeout, back to the attract screen) is one call that forgets all of it.
Screens hold copies for display only and wipe them in their own ``reset``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.domain.i18n import _

if TYPE_CHECKING:
    from kiosk.domain.queue_rules import Person


@dataclass
class Visit:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: datetime = field(default_factory=datetime.now)
    viewed_vacancies: list[str] = field(default_factory=list)
    shortlist: list[str] = field(default_factory=list)
    selected_vacancy: str | None = None
    identity: object | None = None
    #: what the resident told the registration survey, for 为你推荐
    profile: object | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.viewed_vacancies or self.shortlist or self.selected_vacancy or self.identity or self.profile)


SHORTLIST_MAX = 10


class ShortlistFull(Exception):
    """The shortlist holds SHORTLIST_MAX vacancies already."""


class VisitManager:
    """Owns the current Visit; ``end()`` replaces it with a fresh one and tells the listeners.

    ``person_key_secret`` is the city-wide key of the statistics hash: the visit hands out the
    resident's keyed hash (``person_key``), so no screen ever handles the secret itself.
    """

    def __init__(self, person_key_secret: str = "") -> None:
        self.current = Visit()
        self._person_secret = person_key_secret.encode()
        self._listeners: list[Callable[[], None]] = []
        self._identity_listeners: list[Callable[[object | None], None]] = []

    def on_end(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def on_identity(self, callback: Callable[[object | None], None]) -> None:
        self._identity_listeners.append(callback)

    def set_identity(self, identity: object | None) -> None:
        self.current.identity = identity
        for cb in list(self._identity_listeners):
            cb(identity)

    def person(self) -> Person | None:
        """The logged-in resident as the queue sees them (keyed hash, birth date, groups), or None."""
        who = self.current.identity
        return who.person(self._person_secret) if who is not None else None

    def person_key(self) -> str | None:
        """The logged-in resident's statistics key (an HMAC of the ID number), or None."""
        person = self.person()
        return person.key if person is not None else None

    def identity_proof(self) -> str:
        """How the logged-in resident proved who they are (idcard, essc, typed), or "none"."""
        who = self.current.identity
        return who.proof if who is not None else "none"

    def view_vacancy(self, vacancy_id: str) -> None:
        self.current.selected_vacancy = vacancy_id
        if vacancy_id not in self.current.viewed_vacancies:
            self.current.viewed_vacancies.append(vacancy_id)

    def toggle_shortlist(self, vacancy_id: str) -> bool:
        """Add or remove a vacancy; returns whether it is on the shortlist now."""
        sl = self.current.shortlist
        if vacancy_id in sl:
            sl.remove(vacancy_id)
            return False
        if len(sl) >= SHORTLIST_MAX:
            raise ShortlistFull(_("清单最多放 {n} 个岗位，请先移除一些").format(n=SHORTLIST_MAX))
        sl.append(vacancy_id)
        return True

    def end(self) -> None:
        old = self.current
        self.current = Visit()
        old.viewed_vacancies.clear()
        old.shortlist.clear()
        old.selected_vacancy = None
        old.identity = None
        old.profile = None
        for cb in list(self._identity_listeners):
            cb(None)
        for cb in list(self._listeners):
            cb()
