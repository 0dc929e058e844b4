"""Every table of the central service, one module per area; the same definitions run on SQLite and
PostgreSQL. Import from here (``from central.models import Kiosk``): importing the package registers
every table on ``Base.metadata``."""

from central.models.appointments import APPOINTMENT_STATUSES, AppointmentRow, AppointmentSlotRow
from central.models.audit import AUDIT_ACTIONS, AuditEntry
from central.models.base import Base
from central.models.callbacks import NOTE_MAX, TOPIC_MAX, CallbackRow
from central.models.consult import FINISHED, Advisor, ConsultRequest
from central.models.feed_images import FeedImage
from central.models.fleet import FleetAlert, KioskOrder, KioskSample
from central.models.help import HelpCall
from central.models.interests import INTEREST_CHANNELS, INTEREST_KINDS, INTEREST_STATUSES, Interest
from central.models.phone import LINK_KINDS, FairSignup, PhoneLink, Shortlist
from central.models.postings import POSTING_SOURCES, POSTING_STATUSES, PostingRow
from central.models.queue import STATUSES, Counter, QueueTicket, StaffAction, StaffUser
from central.models.ratings import Rating
from central.models.registrations import FOLLOWUP_STATUSES, Registration
from central.models.releases import Release
from central.models.service_requests import ServiceRequestRow
from central.models.sessions import SESSION_KINDS, LoginSession
from central.models.sync import (
                                 CallClock,
                                 CallRecord,
                                 Event,
                                 FeedClock,
                                 FeedItem,
                                 Kiosk,
                                 Nonce,
                                 RejectedEvent,
                                 ServiceRecord,
                                 Setting,
                                 StationConfig,
)

__all__ = ["SESSION_KINDS", "LoginSession", "APPOINTMENT_STATUSES", "AppointmentRow", "AppointmentSlotRow", "AUDIT_ACTIONS", "AuditEntry", "Rating", "FOLLOWUP_STATUSES", "Registration", "Base", "NOTE_MAX", "TOPIC_MAX", "CallbackRow", "FINISHED", "Advisor", "ConsultRequest", "INTEREST_CHANNELS", "INTEREST_KINDS", "INTEREST_STATUSES", "Interest", "STATUSES",
           "Counter", "QueueTicket", "StaffAction", "StaffUser", "ServiceRequestRow", "CallClock", "CallRecord",
           "Event", "FeedClock", "FeedItem", "Kiosk", "Nonce", "RejectedEvent", "ServiceRecord", "Setting",
           "StationConfig", "LINK_KINDS", "FairSignup", "PhoneLink", "Shortlist",
           "POSTING_SOURCES", "POSTING_STATUSES", "PostingRow", "HelpCall", "FleetAlert", "KioskOrder", "KioskSample", "Release",
           "FeedImage"]
