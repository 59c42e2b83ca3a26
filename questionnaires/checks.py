"""System checks: settings and data the app cannot run without."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import checks

from questionnaires.bank import loader, protocols
from questionnaires.bank.protocols import load_bundled_protocols
from questionnaires.models import LANGUAGE_CODES
from questionnaires.scoring.definitions import InstrumentDefinition

#: Read at each check, so a test can point them at files of its own.
BUNDLED_DIR = loader.BUNDLED_DIR
BUNDLED_PROTOCOLS = protocols.BUNDLED_PROTOCOLS


@checks.register(checks.Tags.security, deploy=True)
def check_argon2_first(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Passwords are hashed with Argon2 (DESIGN.md §6)."""
    first = settings.PASSWORD_HASHERS[0]
    if not first.endswith("Argon2PasswordHasher"):
        return [
            checks.Error(
                "The first password hasher must be Argon2PasswordHasher.",
                id="questionnaires.E001",
            )
        ]
    return []


@checks.register()
def check_bundled_instruments(
    app_configs: Any, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Every bundled instrument file parses and validates (STYLE.md §7)."""
    messages: list[checks.CheckMessage] = []
    definitions: list[InstrumentDefinition] = []
    for path in sorted(BUNDLED_DIR.glob("*.json")):
        try:
            definitions.append(loader.load_file(path))
        except loader.DefinitionError as exc:
            problems = "; ".join(str(issue) for issue in exc.issues)
            messages.append(
                checks.Error(
                    f"Bundled instrument {path.name} is invalid: {problems}",
                    hint="Fix the file; docs/instrument-schema.md has the format.",
                    obj=str(path),
                    id="questionnaires.E002",
                )
            )
    if BUNDLED_PROTOCOLS.exists() and not messages:
        try:
            load_bundled_protocols(definitions, BUNDLED_PROTOCOLS)
        except loader.DefinitionError as exc:
            problems = "; ".join(str(issue) for issue in exc.issues)
            messages.append(
                checks.Error(
                    f"Bundled {BUNDLED_PROTOCOLS.name} is invalid: {problems}",
                    obj=str(BUNDLED_PROTOCOLS),
                    id="questionnaires.E003",
                )
            )
    return messages


# A deploy check: admins see it in `check --deploy` before going live, instead of on
# every management command.
@checks.register(deploy=True)
def check_translations(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report bundled respondent text that falls back to English (Info, not an error).

    Validated instruments legitimately ship English only, so this never fails a check
    run (`--fail-level WARNING` ignores Info); it tells admins what to translate.
    """
    missing: dict[str, list[str]] = {}
    for path in sorted(BUNDLED_DIR.glob("*.json")):
        try:
            definition = loader.load_file(path)
        except loader.DefinitionError:
            continue  # reported by check_bundled_instruments
        for lang in untranslated_languages(definition):
            missing.setdefault(lang, []).append(
                f"{definition.code} v{definition.version}"
            )
    if not missing:
        return []
    summary = "; ".join(f"{lang}: {', '.join(v)}" for lang, v in missing.items())
    return [
        checks.Info(
            f"Some respondent text falls back to English. {summary}",
            hint="Validated instruments may legitimately ship English only.",
            id="questionnaires.I001",
        )
    ]


def untranslated_languages(definition: InstrumentDefinition) -> list[str]:
    """Product languages in which some respondent-visible text of ``definition`` is
    missing; instruments without bundled text (licence) are not counted."""
    if not definition.licence.text_may_ship:
        return []
    texts: list[Mapping[str, str]] = [definition.name]
    if definition.instructions:
        texts.append(definition.instructions)
    for item in definition.items:
        texts += [t for t in (item.text, item.help, item.section) if t]
        texts += [o.label for o in item.options if o.label]
    return [
        lang for lang in LANGUAGE_CODES[1:] if any(not text.get(lang) for text in texts)
    ]
