"""The reference central service: the sync API the kiosks talk to, and the staff side.

The city's employment information system is the real counterpart; this package implements the
same protocol (kiosk/sync/protocol.py) for development, tests, demos and a pilot of a few
stations. Request handling keeps no state in the process: everything lives in the database, so
several workers behind a proxy can share one PostgreSQL.
"""
