"""The resident ID card reader (二代证 SAM serial protocol)."""

from kiosk.devices.idcard.frame import (
    BadChecksum,
    BadLength,
    BadPreamble,
    Frame,
    FrameError,
    Reassembler,
    Status,
    decode_frame,
    encode_command,
)
from kiosk.devices.idcard.text_block import Identity, InvalidCard, decode_identity, identity_from_reply

__all__ = [
    "BadChecksum", "BadLength", "BadPreamble", "Frame", "FrameError", "Identity", "InvalidCard", "Reassembler",
    "Status", "decode_frame", "decode_identity", "encode_command", "identity_from_reply",
]
