"""企业招聘: a shop owner or a neighbourhood that needs workers scans a QR and fills the 招聘登记
on their own phone (central's ``/employer/new``); the station reviews it and the job reaches every
kiosk. Nothing is typed here: a long form on a lobby touchscreen is what the phone does better."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen, load_kv


class EmployerScreen(KioskScreen):
    qr_data = StringProperty("")

    def activate(self) -> None:
        self.qr_data = self.services.config.employer_url()


load_kv(__file__)
