"""Staff and advisor login sessions, kept on the server so logging out, a new password or a
disabled account ends them at once (a signed cookie alone stays valid until it expires)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from central.models.base import Base

SESSION_KINDS = ("staff", "advisor")


class LoginSession(Base):
    __tablename__ = "login_sessions"

    #: SHA-256 (hex) of the random token in the cookie: the database never holds a usable token
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    __table_args__ = (Index("ix_login_sessions_account", "kind", "account_id"),)
