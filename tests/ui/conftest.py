import pytest

from tests.appfixture import fresh_visit  # also sets Kivy's window options before any test imports kivy


@pytest.fixture
def visit(app):
    """The session's app on a fresh visit, and again after the test."""
    fresh_visit(app)
    yield app
    fresh_visit(app)
