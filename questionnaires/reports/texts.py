"""The words the report PDFs add around the approved clinical wording, as gettext.

Every string here is an ordinary gettext message whose msgid is its English text, so
``makemessages`` finds it and translators see it in ``locale/*/LC_MESSAGES/django.po``
(message contexts where one English string is said differently to the parent, the
young person or in a table column; ``ngettext`` where a number decides the form).
The key is only the name the report context uses for a message; the text always
comes from the active translation, so render under ``translation.override(lang)``
or pass ``lang``.

Approved clinical wording (outcomes, flags, suicide-risk texts, the not-a-diagnosis
sentence) lives in ``questionnaires.scoring.wording``. Japanese is polite (です/ます);
Italian addresses the parent with "Lei" and the young person with "tu". None of these
strings may state or imply a diagnosis (INSTRUMENTS.md §6).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override, pgettext_lazy

StrPromise = Promise

_TEXTS: dict[str, StrPromise] = {
    "title.clinician": _("Screening summary for the clinician"),
    "title.family": pgettext_lazy("to a parent", "Your screening summary"),
    "footer": _("{org} · {code} · screening summary, not a diagnosis"),
    "organisation": _("Organisation"),
    "patient_code": _("Patient code"),
    "age": _("Age"),
    "age_value": _("{age} years"),
    "report_date": _("Report date"),
    "engine": _("Scoring engine"),
    "engine_value": _("version {engine} · report layout {layout}"),
    "respondents": _("Who answered what, and when"),
    "role.self": _("Young person (self-report)"),
    "role.informant": _("Family member"),
    "role.clinician": _("Clinician"),
    "version_short": _("v{version}"),
    # A label and what follows it: Japanese uses a full-width colon.
    "label_value": pgettext_lazy("a label and its value", "{label}: {value}"),
    "cutoff_source": _("Source of the cut-off:"),
    # A language's name inside a sentence (Italian writes it in lower case).
    "language.en": pgettext_lazy("a language named within a sentence", "English"),
    "language.ja": pgettext_lazy("a language named within a sentence", "Japanese"),
    "language.it": pgettext_lazy("a language named within a sentence", "Italian"),
    # Between the items of a list: Japanese uses the ideographic comma.
    "list_separator": pgettext_lazy("between short list items", ", "),
    "list_separator_long": pgettext_lazy("between longer list items", "; "),
    "yes": _("Yes"),
    "no": _("No"),
    "unknown": _("Unknown"),
    "urgent.title": _("Urgent: act today"),
    "urgent.family_safety": _(
        "A family member fears for someone's safety at home now: assess safety "
        "and agree a safety plan with the family today."
    ),
    "raised_by": _("Raised by"),
    "h.outcome": _("Screening outcome and next step"),
    "category.screen_positive": _("Screen positive"),
    "category.at_risk": _("At risk"),
    "category.screen_negative": _("Screen negative"),
    "category.incomplete": _("Incomplete"),
    "next_step": _("Recommended next step"),
    "h.flags": _("Flags"),
    "flags.none": _("No flags were raised by these answers."),
    "flags.urgent_above": _("Urgent flags are shown in the box at the top of page 1."),
    "col.flag": _("Flag"),
    "col.severity": _("Severity"),
    "col.meaning": _("What it means"),
    "severity.urgent": _("Urgent"),
    "severity.high": _("High"),
    "severity.moderate": _("Moderate"),
    "flag.suicide_risk": _("Suicide risk"),
    "flag.family_safety": _("Safety at home"),
    "flag.depression": _("Low mood"),
    "flag.psychosis_risk": _("Unusual experiences"),
    "flag.anxiety": _("Worry and anxiety"),
    "flag.social_anxiety": _("Fear of social situations"),
    "flag.autism_traits": _("Autistic traits"),
    "flag.avoidant_traits": _("Avoidant personality traits"),
    "flag.social_isolation": _("Small social network"),
    "flag.internet_overuse": _("Heavy internet or gaming use"),
    "flag.sleep_reversal": _("Day-night reversal of sleep"),
    "h.criteria": _("Withdrawal criteria"),
    "criteria.intro": _(
        "Criteria (a)–(c) after Kato, Kanba & Teo 2020; onset before 30 (Saito "
        "1998) is not part of them and is shown separately. The clinician's "
        "rating decides a criterion when given; otherwise the self- and family "
        "reports are combined."
    ),
    "col.criterion": _("Criterion"),
    "col.status": _("Status"),
    "col.value": _("Value"),
    "col.source": _("Decided by"),
    "col.answers": _("Answers behind it"),
    "criterion.duration": _("(b) Continuous withdrawal ≥ 6 months"),
    "criterion.going_out": _("(a) Marked isolation at home (out ≤ 3 days a week)"),
    "criterion.impairment_or_distress": _("(c) Functional impairment or distress"),
    "criterion.onset_before_30": _("Onset before age 30 (shown separately)"),
    "band.acute_positive": _("Acute positive"),
    "status.met": _("Met"),
    "status.partly": _("Partly"),
    "status.not_met": _("Not met"),
    "status.unknown": _("Unknown"),
    "duration.meets": _("6 months or more"),
    "duration.at_risk": _("3 to under 6 months"),
    "duration.below": _("under 3 months"),
    "duration.unknown": _("not answered"),
    "going_out.severe": _("severe: rarely leaves own room"),
    "going_out.moderate": _("moderate: out ≤ 1 day a week"),
    "going_out.mild": _("mild: out 2–3 days a week"),
    "going_out.not_marked": _("not marked: out ≥ 4 days a week"),
    "going_out.unknown": _("not answered"),
    "onset.true": _("before age 30"),
    "onset.false": _("at age 30 or later"),
    "impairment.true": _("present"),
    "impairment.false": _("absent"),
    "value.none": _("not answered"),
    "source.self": pgettext_lazy("source of an answer", "Self-report"),
    "source.family": pgettext_lazy("source of an answer", "Family report"),
    "source.clinician": _("Clinician"),
    "source.none": _("—"),
    "short.withdrawal": _("Withdrawal (self)"),
    "short.withdrawal_family": _("Withdrawal (family)"),
    "short.criteria": _("Criteria (clinician)"),
    "not_asked": _("not asked"),
    "h.safety_items": _("Safety questions and answers"),
    "h.item_answers": _("Answers item by item"),
    "col.question": _("Question"),
    "h.history": _("Earlier screenings"),
    "col.date": _("Date"),
    "col.outcome": _("Outcome"),
    "col.totals": _("Key totals"),
    "col.answer": _("Answer"),
    "mode.kiosk": _("on the clinic's device"),
    "mode.link": _("through an invitation link"),
    "mode.clinician": _("entered by the clinician"),
    "decided": _("(decided)"),
    "h.scores": _("Instrument scores"),
    "scores.legend": _(
        "Bars show each score range with its bands; the black line marks the "
        "score, dashed lines the cut-offs."
    ),
    "col.instrument": _("Instrument"),
    "col.score": _("Score"),
    "col.band": _("Band"),
    "score_of": _("{total} of {max}"),
    "cutoff": _("cut-off {value}"),
    "no_total_modules": _(
        "Answered without a total (they feed the criteria and flags above): {names}."
    ),
    "h.compare": _("Self-report and family report compared"),
    "compare.intro": _(
        "Where they differ, the criterion takes the answer closer to meeting "
        "it, so that the screen does not miss someone who needs help."
    ),
    "compare.agree": _(
        "Self-report and family report agree on every criterion both answered."
    ),
    "compare.single": _(
        "Only one of the two reports was completed, so there is nothing to compare."
    ),
    "col.self": pgettext_lazy("table column", "Self-report"),
    "col.family": pgettext_lazy("table column", "Family report"),
    "h.how_to_read": _("How to read this"),
    "h.instruments": _("Instruments, citations and licences"),
    "title.self": pgettext_lazy("to the young person", "Your screening summary"),
    "fam.safety.title": _("Everyone's safety at home comes first"),
    "fam.safety.body": _(
        "You told us that you fear for someone's safety at home now. The "
        "safety of everyone in the home comes first, including your own. If "
        "anyone is in danger, get to a safe place and call {emergency}. You do "
        "not have to stay with anyone who may hurt you. The services below "
        "help with violence at home and support families."
    ),
    "fam.conflict.title": _("Help with violence or conflict at home"),
    "fam.conflict.body": _(
        "You told us about violence or serious conflict at home. The services "
        "below help with violence at home and support families; if anyone is "
        "in danger, get to a safe place and call {emergency}."
    ),
    "fam.shared.title": _("Shared with you by the clinician"),
    "fam.shared.safety": _(
        "Your young person's own answers in this screening raised a concern "
        "about their safety. The clinician has chosen to share this with you "
        "so that you can help keep them safe. Please talk to someone now; do "
        "not wait for an appointment."
    ),
    "fam.why.urgent": _(
        "First make sure everyone is safe, using the numbers on this page. "
        "Then a mental-health professional can talk with your young person and "
        "with you, understand what lies behind the withdrawal, and suggest "
        "help that fits."
    ),
    "fam.none": _(
        "No family questionnaire was answered in this screening, so this "
        "summary holds only general advice."
    ),
    "fam.not_asked.safety": _(
        "Safety at home and talk of self-harm were not asked about in your "
        "questionnaire, or not answered."
    ),
    "not_screened.suicide_risk": _(
        "Suicide risk was not screened in this screening: no suicide-risk "
        "question (ASQ, PHQ-9 item 9, family item on talk of self-harm) was "
        "answered."
    ),
    "not_screened.family_safety": _(
        "Safety at home was not screened in this screening: the family items "
        "on safety now and conflict at home were not answered."
    ),
    "missing_items": _("Not answered: {items}."),
    "missing.may_change": _(
        "The missing answers could change this score's band and the outcome."
    ),
    "hq25.source_44": _(
        "Kyushu University hikikomori lab page: 44 (to verify; 42 is used)."
    ),
    # INSTRUMENTS.md §5 M1: the lowest and highest total the missing answers allow.
    "missing.range.band": _(
        "The missing answers could change this score's band: the total would be "
        "between {low} and {high}."
    ),
    "missing.range.cutoff": _(
        "The missing answers could bring this score up to the cut-off: the total "
        "would be between {low} and {high}."
    ),
    "missing.range.same": _(
        "The missing answers cannot change this score's band or bring it up to a "
        "cut-off: the total would be between {low} and {high}."
    ),
    "lower_bound": _(
        "Not finished, but the answered items already reach the cut-off (at "
        "least {value})."
    ),
    "h.contacts": _("Crisis contacts given to the family and the young person"),
    "self.prepared": _("Prepared by {org} on {date}, from your own answers."),
    "self.urgent.title": pgettext_lazy(
        "to the young person", "Please talk to someone now"
    ),
    "self.urgent.body": _(
        "Some of your answers tell us you may not be safe right now. You do "
        "not have to deal with this alone. Please tell an adult you trust or "
        "call one of the numbers below now. If you are in danger, call "
        "{emergency}."
    ),
    "self.h.told": pgettext_lazy("to the young person", "What you told us"),
    "self.room": _("you rarely leave your own room"),
    "self.impact.true": _(
        "it gets in the way of school, work, home life or friendships, or it "
        "troubles you"
    ),
    "self.meaning.screen_positive": _(
        "Your answers describe a long time of staying mostly at home, going "
        "out rarely, and daily life being affected. This is more common than "
        "many people think, it can change, and talking to a professional helps "
        "most when it happens early."
    ),
    "self.meaning.at_risk": _(
        "Your answers show some signs of pulling back from things, but not the "
        "whole picture. It is worth talking it over with a professional, and "
        "answering these questions again in 1 to 3 months."
    ),
    "self.meaning.screen_negative": _(
        "Your answers show no sign of a long time of staying at home. If "
        "things change, for example you go out less or everyday life gets "
        "harder, answer the questions again or talk to someone."
    ),
    "self.meaning.incomplete": pgettext_lazy(
        "to the young person",
        "Some important answers are missing, so we cannot yet say what your "
        "answers may mean. Please answer these too: {missing}.",
    ),
    "self.meaning.none": _(
        "You did not answer the questions about staying at home in this "
        "screening, so this summary holds only general advice."
    ),
    "self.h.help": _("Who you can talk to"),
    "self.h.danger": _("If you are not safe"),
    "self.danger": _(
        "If you ever think about hurting yourself, or you are not safe, do not "
        "wait. Call:"
    ),
    "self.not_screened": _(
        "This screening did not ask about thoughts of suicide or self-harm. If "
        "you have such thoughts, please tell someone you trust or call a "
        "number below."
    ),
    "fam.urgent.title": pgettext_lazy("to a parent", "Please talk to someone now"),
    "fam.urgent.body": _(
        "Some of your answers mean that your young person may be in danger. Do "
        "not wait for an appointment: call one of the numbers below now. If "
        "you fear they may harm themselves, stay with them if it is safe for "
        "you, and call {emergency} if there is immediate danger."
    ),
    "fam.prepared": _("Prepared by {org} on {date}, about a young person aged {age}."),
    "fam.h.told": pgettext_lazy("to a parent", "What you told us"),
    "fam.h.meaning": _("What this may mean"),
    "fam.h.why": _("Why a professional assessment is the next step"),
    "fam.h.why_negative": _("If you are still worried"),
    "fam.h.how": _("How to ask for one"),
    "fam.h.how_negative": _("How to ask for help"),
    "fam.h.danger": _("If there is danger now"),
    "fam.told.duration": _("Staying mostly at home"),
    "fam.told.going_out": _("Going out"),
    "fam.told.impact": _("Effect on daily life"),
    "fam.told.onset": _("When it became a problem"),
    "fam.months": _("about {n} months"),
    "fam.month": _("about 1 month"),
    "fam.day": _("1 day a week"),
    "fam.months_lt1": _("less than a month"),
    "fam.going_out.severe": _("rarely leaves their own room"),
    "fam.going_out.moderate": _("goes out 1 day a week or less"),
    "fam.going_out.mild": _("goes out 2 or 3 days a week"),
    "fam.going_out.not_marked": _("goes out 4 or more days a week"),
    "fam.going_out.unknown": _("not answered"),
    "fam.room": _("rarely leaves their own room"),
    "fam.impact.true": _(
        "it gets in the way of school, work, home life or friendships, or it "
        "troubles them"
    ),
    "fam.impact.false": _("little effect on daily life"),
    "fam.onset_age": _("at about age {n}"),
    "fam.not_answered": _("not answered"),
    "fam.also": _("The answers also mention"),
    "fam.h.told_other": _("What the answers show"),
    "fam.flag.family_safety": _("worries about safety or serious conflict at home"),
    "fam.flag.suicide_risk": _("talk of death, suicide or self-harm"),
    "fam.flag.depression": _("low mood"),
    "fam.flag.psychosis_risk": _("unusual experiences"),
    "fam.flag.anxiety": _("a lot of worry"),
    "fam.flag.social_anxiety": _("fear of being with other people"),
    "fam.flag.autism_traits": _(
        "ways of thinking and relating that the professional may want to ask about"
    ),
    "fam.flag.avoidant_traits": _("a long-standing tendency to avoid people"),
    "fam.flag.social_isolation": _("few people to rely on"),
    "fam.flag.internet_overuse": _(
        "many hours online or gaming, at the cost of sleep, meals or duties"
    ),
    "fam.flag.sleep_reversal": _(
        "sleeping mostly during the day and staying awake at night"
    ),
    "fam.meaning.screen_positive": _(
        "Your answers describe a long time of staying mostly at home, going "
        "out rarely, and daily life being affected. This pattern is called "
        "prolonged social withdrawal (in Japanese, hikikomori). It is more "
        "common than many families think, it can change, and help works best "
        "when it starts early."
    ),
    "fam.meaning.at_risk": _(
        "Your answers show some signs of withdrawal, but not the whole "
        "picture. It is worth talking it over with a professional now, and "
        "answering these questions again in 1 to 3 months to see whether "
        "things are changing."
    ),
    "fam.meaning.screen_negative": _(
        "Your answers show no sign of prolonged withdrawal at the moment. If "
        "things change, for example your young person stays in more, goes out "
        "less, or everyday life gets harder, answer the questions again or "
        "talk to a professional."
    ),
    "fam.meaning.incomplete": pgettext_lazy(
        "to a parent",
        "Some important answers are missing, so we cannot yet say what your "
        "answers may mean. Please answer these too: {missing}.",
    ),
    "fam.meaning.other": _(
        "Some answers also point to other difficulties. The professional "
        "assessment can look at these at the same time."
    ),
    "fam.why": _(
        "A questionnaire can only point to what is worth looking at. A "
        "mental-health professional can talk with your young person and with "
        "you, understand what lies behind the withdrawal, and suggest help "
        "that fits. You do not have to sort this out alone."
    ),
    "fam.why.negative": _(
        "Nothing urgent is needed now. If you are still worried, a "
        "professional can listen and advise: you do not need a positive screen "
        "to ask for help."
    ),
    "fam.danger": _(
        "If you fear for anyone's safety right now, because of thoughts of "
        "suicide, self-harm or violence, do not wait for an appointment. Call:"
    ),
}

_PLURALS: dict[str, Callable[[int], str]] = {
    "incomplete_items": lambda n: ngettext(
        "Incomplete: {n} item not answered, so no total.",
        "Incomplete: {n} items not answered, so no total.",
        n,
    ),
    "fam.days": lambda n: ngettext(
        "{n} day a week",
        "{n} days a week",
        n,
    ),
}

_LINES: dict[str, tuple[StrPromise, ...]] = {
    "fam.how.adult": (
        _(
            "Talk to your family doctor (GP) together with your young person, "
            "and show them this summary."
        ),
        _(
            "If your young person studies, the student support or counselling "
            "service can help."
        ),
        _("Contact your local adult mental-health service and ask for an assessment."),
        _(
            "If your young person does not want to go, go first on your own: "
            "many services start by meeting the family."
        ),
    ),
    "self.how.minor": (
        _("A parent or another adult you trust."),
        _("Your paediatrician or family doctor: you can show them this summary."),
        _("The school nurse or school counsellor."),
        _("Your local child and adolescent mental-health service."),
    ),
    "self.how.adult": (
        _("Your family doctor (GP): you can show them this summary."),
        _("If you study, your university's student support or counselling service."),
        _("Your local adult mental-health service."),
        _("Someone you trust, who can come with you."),
    ),
    "how_to_read": (
        _(
            "This is a screen: it sorts answers by published cut-offs and the "
            "criteria above, and points to what a clinical assessment should "
            "look at."
        ),
        _(
            "Urgent flags never depend on the outcome: act on them even when "
            "the screen is negative or incomplete."
        ),
        _(
            '"Unknown" means no source answered; it counts as not met, so the '
            "outcome may change once it is known."
        ),
        _(
            "Scores are shown against the instrument's own bands and cut-offs; "
            "a score near a cut-off deserves the same attention as one just "
            "above it."
        ),
        _(
            "The report is rendered from the result stored at submission, with "
            "the instrument versions and scoring engine listed above, so it "
            "does not change when rules are updated later."
        ),
    ),
    "fam.how": (
        _(
            "Talk to your family doctor or your young person's paediatrician, "
            "and show them this summary."
        ),
        _("Ask the school nurse, counsellor or student support service."),
        _(
            "Contact your local child and adolescent (or adult) mental-health "
            "service and ask for an assessment."
        ),
        _(
            "If your young person does not want to go, go first on your own: "
            "many services start by meeting the family."
        ),
    ),
}

#: The report languages: the site's (settings.LANGUAGES).
LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


def text(key: str, lang: str | None = None, **values: object) -> str:
    """The report message ``key`` in ``lang`` (else the active language), with its
    ``{placeholders}`` filled in; a plural message takes its number from ``n``."""
    if lang is not None:
        with override(lang):
            return text(key, None, **values)
    if key in _PLURALS:
        count = values.get("n", 0)
        template = _PLURALS[key](int(count) if isinstance(count, int | float) else 0)
    else:
        template = str(_TEXTS[key])
    return template.format(**values) if values else template


def join(
    items: Iterable[object], lang: str | None = None, *, long: bool = False
) -> str:
    """``items`` as one list in ``lang`` (else the active language): "a, b" in
    English and Italian, "a、b" in Japanese; ``long`` items take "; " ("；")."""
    separator = text("list_separator_long" if long else "list_separator", lang)
    return separator.join(str(item) for item in items)


def has(key: str) -> bool:
    """Whether ``key`` names a report message."""
    return key in _TEXTS or key in _PLURALS


def lines(key: str, lang: str | None = None) -> tuple[str, ...]:
    """A list of report sentences (bullets) in ``lang`` (else the active language)."""
    if lang is not None:
        with override(lang):
            return lines(key)
    return tuple(str(line) for line in _LINES[key])


def message_keys() -> list[str]:
    """Every single-message key (not the bullet lists), for wording tests."""
    return [*_TEXTS, *_PLURALS]


def line_keys() -> list[str]:
    """Every bullet-list key."""
    return list(_LINES)
