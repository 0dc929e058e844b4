"""投递意向: a resident asks the station to pass their interest in a vacancy to the employer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.domain.identity import Resident
    from kiosk.domain.vacancy_views import VacancyView
    from kiosk.store.engine import Store
    from kiosk.store.outbox import OutboxCipher


def consent_text(vacancy: VacancyView) -> str:
    return (f"我们会把您的身份证号发给本驿站，由工作人员核实后推荐给“{vacancy.employer}”，"
            f"用于“{vacancy.title}”岗位的面试联系，不作他用。本机不保存您的信息。")


class InterestDesk:
    def __init__(self, store: Store, cipher: Callable[[], OutboxCipher], station_id: str) -> None:
        self.store = store
        self.cipher = cipher
        self.station_id = station_id

    def express(self, resident: Resident, vacancy: VacancyView) -> str:
        """One encrypted ``interest.expressed`` event, committed before anything is printed."""
        from kiosk.store.outbox import add_event

        with self.store.session() as s:
            return add_event(s, "interest.expressed", {
                "station_id": self.station_id, "vacancy_id": vacancy.id, "employer": vacancy.employer,
                "title": vacancy.title, "id_number": resident.id_number, "consent": True,
            }, cipher=self.cipher(), personal=True)
