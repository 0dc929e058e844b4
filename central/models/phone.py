"""Tables behind the resident's phone pages: capability links, printed shortlists, fair sign-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from central.crypto import Sealed
from central.models.base import Base

#: what a capability link opens → the row it names
LINK_KINDS = ("request", "callback", "appointment")


class PhoneLink(Base):
    """A capability link printed on a slip: the SHA-256 of its token names one personal record.

    The kiosk makes the token, prints it in the QR and sends only its hash; the token itself is
    never stored, so a database copy opens no resident's page.
    """

    __tablename__ = "phone_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: the request's reference, the call-back's event id, …
    target: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Shortlist(Base):
    """The jobs of one printed shortlist, by the random id in its QR (``shortlist.printed``)."""

    __tablename__ = "shortlists"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    vacancy_ids: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class FairSignup(Base):
    """报名 for a job fair from its phone page: once per phone and fair."""

    __tablename__ = "fair_signups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fair_id: Mapped[str] = mapped_column(String(40), index=True)
    station_id: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(Sealed, default="")
    phone: Mapped[str] = mapped_column(Sealed)
    created_at: Mapped[datetime] = mapped_column(DateTime)

