"""The station back office on central: what residents submitted at the kiosks (意向, 登记与需求,
好差评), the staff's follow-up of each, the accounts and the audit log. Domain modules here have
no web code; ``routes`` and ``pages`` are the console's side."""
