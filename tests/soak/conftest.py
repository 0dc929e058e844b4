from tests.ui.conftest import *  # noqa: F401,F403 - the soak tests drive the same session app
