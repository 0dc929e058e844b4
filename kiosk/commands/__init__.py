"""One module per ``python -m kiosk`` subcommand; see kiosk.cli."""
