"""Guards on the architecture itself (STYLE.md Example 5)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.helpers import ROOT, manage, production_env


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_scoring_package_imports_no_django() -> None:
    code = (
        "import sys, questionnaires.scoring; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    assert result.returncode == 0


def test_deploy_check_is_clean_under_production_settings() -> None:
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "WARNINGS:" not in output
    assert "ERRORS:" not in output
