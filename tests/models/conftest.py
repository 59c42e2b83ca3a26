"""Migration tests: the database migrated back to the test module's ``BEFORE``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.fixture
def executor(request: pytest.FixtureRequest) -> Iterator[MigrationExecutor]:
    """An executor with the schema at the module's ``BEFORE`` migrations; the latest
    schema is restored afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(request.module.BEFORE)
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
