"""Approved result wording in English, Japanese and Italian (INSTRUMENTS.md §6).

Every sentence the engine can put in a result lives here, so it can be reviewed in
one place and scanned by tests: :func:`all_phrases` lists them all, and
:data:`FORBIDDEN_PATTERNS` / :func:`find_forbidden` hold §6's forbidden wording for
reuse by page and PDF tests. The texts describe answers and next steps; they never
state or imply a diagnosis, and they never say a person "has" a condition.

Crisis contacts are configured per organisation and locale (DESIGN.md §6), so the
suicide-risk texts here point to "a crisis line or your local emergency number" and
the pages add the configured contacts beside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

LANGUAGES = ("en", "ja", "it")

_P: dict[str, dict[str, str]] = {
    "not_a_diagnosis": {
        "en": "This is a screening summary, not a diagnosis.",
        "ja": "これはスクリーニングの結果のまとめであり、診断ではありません。",
        "it": "Questo è un riepilogo di screening: non è una diagnosi.",
    },
    "outcome.screen_positive": {
        "en": "The answers are consistent with prolonged social withdrawal. A "
        "comprehensive assessment by a mental-health professional is recommended.",
        "ja": "回答の内容は、長期にわたるひきこもりの状態と一致しています。"
        "心の健康の専門家による総合的な評価を受けることをお勧めします。",
        "it": "Le risposte sono compatibili con un ritiro sociale prolungato. Si "
        "raccomanda una valutazione completa da parte di un professionista della "
        "salute mentale.",
    },
    "outcome.at_risk": {
        "en": "The answers show signs of social withdrawal that are worth discussing "
        "with a mental-health professional. Screening again in 1 to 3 months is "
        "recommended.",
        "ja": "回答には、専門家に相談する価値のあるひきこもりの兆候が見られます。"
        "1～3か月後にもう一度スクリーニングを受けることをお勧めします。",
        "it": "Le risposte mostrano segni di ritiro sociale di cui vale la pena "
        "parlare con un professionista della salute mentale. Si consiglia di "
        "ripetere lo screening tra 1 e 3 mesi.",
    },
    "outcome.screen_negative": {
        "en": "These answers show no sign of prolonged social withdrawal. If things "
        "change, for example if time spent at home grows or daily life gets harder, "
        "screen again or talk to a professional.",
        "ja": "今回の回答には、長期にわたるひきこもりの兆候は見られませんでした。"
        "家で過ごす時間が増えたり、日常生活が難しくなったりするなど状況が変わった"
        "ときは、もう一度スクリーニングを受けるか、専門家に相談してください。",
        "it": "Queste risposte non mostrano segni di ritiro sociale prolungato. Se "
        "la situazione cambia, per esempio se il tempo passato in casa aumenta o la "
        "vita quotidiana diventa più difficile, si consiglia di ripetere lo "
        "screening o di parlarne con un professionista.",
    },
    "outcome.incomplete": {
        "en": "Some answers needed to complete the screening are missing: "
        "{missing}. Please add them to see the result.",
        "ja": "スクリーニングを完了するために必要な回答が不足しています："
        "{missing}。結果を確認するには、これらの回答を入力してください。",
        "it": "Mancano alcune risposte necessarie per completare lo screening: "
        "{missing}. Aggiungerle per vedere il risultato.",
    },
    "comorbidity": {
        "en": "The withdrawal may be related to another condition, which the "
        "assessment should consider.",
        "ja": "このひきこもりは別の状態と関係している可能性があり、評価ではその点も"
        "考慮する必要があります。",
        "it": "Il ritiro potrebbe essere legato a un'altra condizione, che la "
        "valutazione dovrebbe prendere in considerazione.",
    },
    "unmet": {
        "en": "Not met or not known: {criteria}.",
        "ja": "満たしていない、または不明な項目：{criteria}。",
        "it": "Criteri non soddisfatti o non noti: {criteria}.",
    },
    "criterion.duration": {
        "en": "withdrawal lasting 6 months or more",
        "ja": "6か月以上続くひきこもり",
        "it": "ritiro che dura da 6 mesi o più",
    },
    "criterion.going_out": {
        "en": "leaving home 3 days a week or less",
        "ja": "外出が週3日以下",
        "it": "uscire di casa 3 giorni a settimana o meno",
    },
    "criterion.impairment_or_distress": {
        "en": "difficulties in daily life or distress",
        "ja": "日常生活への支障または苦痛",
        "it": "difficoltà nella vita quotidiana o disagio",
    },
    "criterion.onset_before_30": {
        "en": "began before age 30",
        "ja": "30歳より前に始まった",
        "it": "inizio prima dei 30 anni",
    },
    "answer.months_withdrawn": {
        "en": "how many months the withdrawal has lasted",
        "ja": "ひきこもりが続いている月数",
        "it": "da quanti mesi dura il ritiro",
    },
    "answer.days_out_per_week": {
        "en": "how many days a week the person leaves home",
        "ja": "週に何日外出するか",
        "it": "quanti giorni a settimana esce di casa",
    },
    "suicide.respondent": {
        "en": "If you are thinking about ending your life or hurting yourself, "
        "please talk to someone now. Call a crisis line or your local emergency "
        "number, or tell someone you trust who is near you.",
        "ja": "死にたい気持ちや自分を傷つけたい気持ちがあるときは、今すぐ誰かに話して"
        "ください。相談窓口や地域の緊急通報番号に連絡するか、近くにいる信頼できる人に"
        "伝えてください。",
        "it": "Se stai pensando di toglierti la vita o di farti del male, per favore "
        "parla con qualcuno adesso. Chiama una linea di ascolto per le crisi o il "
        "numero di emergenza locale, oppure parlane con una persona di fiducia "
        "vicina a te.",
    },
    "suicide.clinician": {
        "en": "Suicide-risk answer: a safety assessment is needed today.",
        "ja": "自殺リスクを示す回答があります。本日中に安全性の評価が必要です。",
        "it": "Risposta che indica rischio suicidario: oggi è necessaria una "
        "valutazione della sicurezza.",
    },
    "suicide.clinician.positive": {
        "en": "ASQ positive: a brief suicide safety assessment is needed today, "
        "before the person leaves (NIMH ASQ pathway).",
        "ja": "ASQ陽性：本人が帰る前に、本日中に簡易自殺安全性評価を行ってください"
        "（NIMH ASQパスウェイ）。",
        "it": "ASQ positivo: oggi, prima che la persona vada via, è necessaria una "
        "breve valutazione della sicurezza per il rischio suicidario (percorso "
        "NIMH ASQ).",
    },
    "suicide.clinician.acute_positive": {
        "en": "ASQ acute positive: a full safety evaluation is needed before the "
        "person leaves; keep them safe and do not leave them alone until then "
        "(NIMH ASQ pathway).",
        "ja": "ASQ急性陽性：本人が帰る前に、完全な安全性評価が必要です。それまでは"
        "安全を確保し、一人にしないでください（NIMH ASQパスウェイ）。",
        "it": "ASQ positivo acuto: è necessaria una valutazione completa della "
        "sicurezza prima che la persona vada via; garantirne la sicurezza e non "
        "lasciarla sola fino ad allora (percorso NIMH ASQ).",
    },
    "flag.suicide_risk": {
        "en": "An answer about thoughts of death, suicide or self-harm needs "
        "attention today.",
        "ja": "死、自殺、自傷についての回答があり、本日中の対応が必要です。",
        "it": "Una risposta su pensieri di morte, suicidio o autolesionismo richiede "
        "attenzione oggi.",
    },
    "flag.family_safety": {
        "en": "The family reported a fear for safety now, or violence or serious "
        "conflict at home.",
        "ja": "家族から、現在の安全への不安、または家庭内の暴力や深刻な対立が報告され"
        "ています。",
        "it": "La famiglia ha segnalato un timore per la sicurezza adesso, oppure "
        "violenza o gravi conflitti in casa.",
    },
    "flag.depression": {
        "en": "Answers about low mood are at or above the screening cut-off, or the "
        "clinician noted this concern.",
        "ja": "気分の落ち込みに関する回答がスクリーニングのカットオフ以上であるか、"
        "臨床担当者がこの点を懸念として記録しています。",
        "it": "Le risposte sull'umore depresso sono pari o superiori alla soglia di "
        "screening, oppure il clinico ha segnalato questa preoccupazione.",
    },
    "flag.psychosis_risk": {
        "en": "Answers about unusual experiences are at or above the screening "
        "cut-off, or the clinician noted this concern.",
        "ja": "普段と異なる体験に関する回答がスクリーニングのカットオフ以上であるか、"
        "臨床担当者がこの点を懸念として記録しています。",
        "it": "Le risposte su esperienze insolite sono pari o superiori alla soglia "
        "di screening, oppure il clinico ha segnalato questa preoccupazione.",
    },
    "flag.anxiety": {
        "en": "Answers about worry and anxiety are at or above the screening cut-off.",
        "ja": "心配や不安に関する回答がスクリーニングのカットオフ以上です。",
        "it": "Le risposte su preoccupazione e ansia sono pari o superiori alla "
        "soglia di screening.",
    },
    "flag.social_anxiety": {
        "en": "Answers about fear of social situations are at or above the "
        "screening cut-off, or the clinician noted this concern.",
        "ja": "人前や対人場面への不安に関する回答がスクリーニングのカットオフ以上で"
        "あるか、臨床担当者がこの点を懸念として記録しています。",
        "it": "Le risposte sulla paura delle situazioni sociali sono pari o "
        "superiori alla soglia di screening, oppure il clinico ha segnalato questa "
        "preoccupazione.",
    },
    "flag.autism_traits": {
        "en": "Answers about autistic traits are at or above the screening cut-off, "
        "or the clinician noted this concern.",
        "ja": "自閉スペクトラム的な特性に関する回答がスクリーニングのカットオフ以上で"
        "あるか、臨床担当者がこの点を懸念として記録しています。",
        "it": "Le risposte sui tratti autistici sono pari o superiori alla soglia "
        "di screening, oppure il clinico ha segnalato questa preoccupazione.",
    },
    "flag.avoidant_traits": {
        "en": "Answers about long-standing personality traits are at or above the "
        "screening cut-off, or the clinician noted this concern.",
        "ja": "長く続く性格傾向に関する回答がスクリーニングのカットオフ以上であるか、"
        "臨床担当者がこの点を懸念として記録しています。",
        "it": "Le risposte su tratti di personalità di lunga data sono pari o "
        "superiori alla soglia di screening, oppure il clinico ha segnalato questa "
        "preoccupazione.",
    },
    "flag.social_isolation": {
        "en": "The answers describe a small network of family and friends to rely "
        "on (below the screening cut-off).",
        "ja": "頼れる家族や友人のつながりが少ないことを示す回答です（スクリーニングの"
        "カットオフ未満）。",
        "it": "Le risposte descrivono una rete ridotta di familiari e amici su cui "
        "contare (sotto la soglia di screening).",
    },
    "flag.internet_overuse": {
        "en": "Six or more hours a day online or gaming, at the cost of sleep, meals "
        "or duties (a project rule, not a validated cut-off).",
        "ja": "1日6時間以上のインターネットやゲームの利用があり、睡眠・食事・やるべき"
        "ことに影響しています（検証済みのカットオフではなく、本製品の基準です）。",
        "it": "Sei o più ore al giorno online o a giocare, a scapito di sonno, pasti "
        "o impegni (una regola del progetto, non una soglia validata).",
    },
    "flag.sleep_reversal": {
        "en": "The middle of sleep falls between 09:00 and 21:00, a day-night "
        "reversal (a project rule, not a validated cut-off).",
        "ja": "睡眠の中間時刻が9時から21時の間にあり、昼夜が逆転しています（検証済みの"
        "カットオフではなく、本製品の基準です）。",
        "it": "La metà del sonno cade tra le 09:00 e le 21:00, un'inversione del "
        "ritmo giorno-notte (una regola del progetto, non una soglia validata).",
    },
}

_LIST_SEPARATOR = {"en": "; ", "ja": "、", "it": "; "}


def phrase(key: str, lang: str = "en") -> str:
    """The approved phrase ``key`` in ``lang``, falling back to English."""
    texts = _P[key]
    return texts.get(lang) or texts["en"]


def flag_explanation(code: str, lang: str = "en") -> str:
    """Short explanation of a flag (INSTRUMENTS.md §4, §6)."""
    return phrase(f"flag.{code}", lang)


def _answer_label(ref: str, lang: str) -> str:
    # "withdrawal.months_withdrawn" -> the plain-language name of the answer.
    item = ref.rsplit(".", 1)[-1]
    key = f"answer.{item}"
    return phrase(key, lang) if key in _P else ref


def recommendation(
    category: str,
    lang: str = "en",
    *,
    missing: Iterable[str] = (),
    comorbidity: bool = False,
) -> str:
    """Outcome text (§6), with the missing answers or the comorbidity sentence."""
    text = phrase(f"outcome.{category}", lang)
    if category == "incomplete":
        labels = dict.fromkeys(_answer_label(m, lang) for m in missing)
        text = text.format(missing=_LIST_SEPARATOR.get(lang, "; ").join(labels))
    if comorbidity:
        text += ("" if lang == "ja" else " ") + phrase("comorbidity", lang)
    return text


def unmet_explanation(unmet: Iterable[str], lang: str = "en") -> str:
    """Names each criterion not met or unknown (INSTRUMENTS.md §5 C6); "" if none."""
    names = [phrase(f"criterion.{c}", lang) for c in unmet]
    if not names:
        return ""
    return phrase("unmet", lang).format(
        criteria=_LIST_SEPARATOR.get(lang, "; ").join(names)
    )


def suicide_text(
    audience: str, lang: str = "en", *, asq_band: str | None = None
) -> str:
    """Suicide-risk text for ``respondent`` or ``clinician`` (INSTRUMENTS.md §6).

    For the clinician the NIMH ASQ pathway decides: a brief suicide safety
    assessment for ``positive``, a full evaluation before leaving for
    ``acute_positive``; without an ASQ result, a safety assessment today.
    """
    if audience == "respondent":
        return phrase("suicide.respondent", lang)
    if asq_band in ("positive", "acute_positive"):
        return phrase(f"suicide.clinician.{asq_band}", lang)
    return phrase("suicide.clinician", lang)


def all_phrases() -> Iterator[tuple[str, str, str]]:
    """Every phrase as (key, lang, text), placeholders filled, for wording scans."""
    for key, texts in _P.items():
        for lang in LANGUAGES:
            text = texts.get(lang, texts["en"])
            yield key, lang, text.format(missing="months", criteria="duration")


# §6 forbids these everywhere (pages, PDFs, JSON, e-mails). "not a diagnosis" and
# its translations are the one allowed use of "diagnosis", so they are removed
# before the scan.
ALLOWED_PHRASES = (
    "not a diagnosis",
    "non è una diagnosi",
    "non costituisce una diagnosi",
    "診断ではありません",
    "診断ではない",
)
_CONDITIONS = (
    r"hikikomori|depression|anxiety|autism|psychosis|schizophrenia|adhd|"
    r"(?:an?\s+)?(?:\w+\s+)?disorder|(?:an?\s+)?(?:mental\s+)?illness"
)
FORBIDDEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("diagnosis", r"\bdiagnos(?:is|es|e|ed|ing)\b"),
        ("has a condition", rf"\b(?:has|have|having)\s+(?:{_CONDITIONS})\b"),
        ("suffers from", r"\bsuffer(?:s|ed|ing)?\s+from\b"),
        ("is a hikikomori", r"\b(?:is|are|am)\s+(?:an?\s+)?hikikomori\b"),
        ("disorder detected", r"\bdisorders?\s+(?:was\s+|were\s+)?detected\b"),
        ("primary/secondary hikikomori", r"\b(?:primary|secondary)\s+hikikomori\b"),
        ("ja: diagnosis", r"診断"),
        ("ja: primary/secondary hikikomori", r"[一二]次性(?:の)?ひきこもり"),
        ("ja: suffers from", r"(?:患って|罹って|かかって)いる"),
        ("ja: disorder detected", r"障害(?:が|を)?(?:検出|発見)"),
        ("it: diagnosis", r"\bdiagnos(?:i|ticat[oaie]|ticare)\b"),
        ("it: suffers from", r"\bsoffr(?:e|i|ono)\s+di\b"),
        (
            "it: has a condition",
            r"\b(?:ha|hai|hanno)\s+(?:la\s+|l'|un\s+|una\s+)?"
            r"(?:depressione|ansia|autismo|psicosi|hikikomori|disturbo)\b",
        ),
        ("it: is a hikikomori", r"\b(?:è|sei|sono)\s+(?:un\s+|una\s+)?hikikomori\b"),
        ("it: disorder detected", r"\bdisturbo\s+(?:\w+\s+)?rilevato\b"),
        ("it: primary/secondary", r"\bhikikomori\s+(?:primario|secondario)\b"),
    )
)


def find_forbidden(text: str) -> list[str]:
    """Every forbidden expression of §6 found in ``text``, as the matched strings."""
    cleaned = text
    for allowed in ALLOWED_PHRASES:
        cleaned = re.sub(re.escape(allowed), " ", cleaned, flags=re.IGNORECASE)
    found: list[str] = []
    for _name, pattern in FORBIDDEN_PATTERNS:
        found.extend(m.group(0) for m in pattern.finditer(cleaned))
    return found
