"""The receipt printer: profiles, ESC/POS rendering, real-time status, transports, the service."""
