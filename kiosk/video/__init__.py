"""Remote video consultation on the kiosk: one asyncio loop on a background thread runs aiortc;
signaling goes through central's signed HTTP API. The screens use ``kiosk.domain.consult``'s
types; ``ConsultService`` here implements ``ConsultCalls``."""

from kiosk.video.service import ConsultService

__all__ = ["ConsultService"]
