import pytest

from knowledge import get_knowledge


@pytest.fixture(scope="session")
def kb():
    return get_knowledge()
