"""The product uses Django's public API only, and never the benchmarks (STYLE.md §1.8).

Django's private ORM internals change without notice between releases; the product
(``questionnaires/``, ``hikiscreen/``) must not reach into them. Hand-written SQL
belongs in ``questionnaires/sql.py``, run through ``connection.cursor()``. The
benchmarks in ``bench/`` are beside the product, not in it: only the
``benchmark`` management command imports them, when it runs. The scoring engine
(``questionnaires/scoring``) is pure: it imports nothing from Django, even its
translated wording (read with the standard library's ``gettext``).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

PRODUCT = ("questionnaires", "hikiscreen")
#: Names of Django's ORM internals: queryset and compiler machinery.
PRIVATE_NAMES = re.compile(
    r"_iterable_class|klass_info|get_related_populators|InsertQuery|"
    r"get_compiler\(|\.query\.|"
    r"django\.db\.models\.sql|_prepare_related_fields_for_save|results_iter"
)
#: The one product module that may import bench (lazily, when the command runs).
BENCH_COMMAND = "questionnaires/management/commands/benchmark.py"


def _product_files() -> list[Path]:
    return sorted(
        path
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_product_package_has_python_files_to_check() -> None:
    files = [_relative(path) for path in _product_files()]
    assert "questionnaires/sql.py" in files
    assert BENCH_COMMAND in files


@pytest.mark.parametrize("path", _product_files(), ids=_relative)
def test_no_private_django_orm_api(path: Path) -> None:
    found = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PRIVATE_NAMES.search(line)
    ]
    assert found == []


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", _product_files(), ids=_relative)
def test_the_product_never_imports_the_benchmarks(path: Path) -> None:
    benchmarks = {
        m for m in _imported_modules(path) if m == "bench" or m.startswith("bench.")
    }
    if _relative(path) == BENCH_COMMAND:
        assert benchmarks == {"bench"}
    else:
        assert benchmarks == set()


def test_the_guards_catch_what_they_guard_against(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from bench import benchmarks\n"
        "import bench.load\n"
        "compiler = queryset.query.get_compiler(using='default')\n"
    )
    assert _imported_modules(sample) == {"bench", "bench.load"}
    lines = sample.read_text().splitlines()
    assert [bool(PRIVATE_NAMES.search(line)) for line in lines] == [False, False, True]


#: ORM calls a view must leave to a selector (reads) or a service (writes).
ORM_IN_VIEWS = re.compile(
    r"\.objects\b|\.(filter|exclude|annotate|aggregate|select_related|"
    r"prefetch_related|values_list|select_for_update|bulk_create)\(|"
    r"connection\.cursor|\.save\(|\.delete\("
)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "questionnaires" / "views").rglob("*.py")),
    ids=_relative,
)
def test_views_hold_no_orm_calls(path: Path) -> None:
    found = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ORM_IN_VIEWS.search(line)
    ]
    assert found == []


SCORING = ROOT / "questionnaires" / "scoring"


@pytest.mark.parametrize("path", sorted(SCORING.rglob("*.py")), ids=_relative)
def test_the_scoring_engine_imports_nothing_from_django(path: Path) -> None:
    django = {
        m for m in _imported_modules(path) if m == "django" or m.startswith("django.")
    }
    assert django == set()


def test_the_scoring_engine_runs_without_django_loaded() -> None:
    # Transitively too: importing and running the engine, its wording in Japanese
    # included (read from the gettext catalogues), loads no Django module.
    program = (
        "import sys\n"
        "from questionnaires.scoring import wording\n"
        "import questionnaires.scoring\n"
        "assert wording.phrase('not_a_diagnosis', 'ja') != "
        "wording.phrase('not_a_diagnosis')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
