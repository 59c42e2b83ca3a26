"""Report-specific strings in English, Japanese and Italian (pure data, no Django).

Approved clinical wording (outcomes, flags, suicide-risk texts, the not-a-diagnosis
sentence) lives in ``questionnaires.scoring.wording``; this catalogue holds only what
the PDFs add around it: headings, labels, "how to read this" and the family
explanations. One entry per message with its three translations side by side, so a
missing translation is visible in review and caught by a test.

Japanese is polite (です/ます) and plain; Italian addresses the parent with "Lei".
None of these strings may state or imply a diagnosis (INSTRUMENTS.md §6).
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "ja", "it")

_T: Mapping[str, tuple[str, str, str]] = {
    # --- Shared ------------------------------------------------------------------
    "title.clinician": (
        "Screening summary for the clinician",
        "スクリーニング結果の要約（臨床担当者用）",
        "Riepilogo dello screening per il clinico",
    ),
    "title.family": (
        "Your screening summary",
        "スクリーニング結果のまとめ（ご家族用）",
        "Il riepilogo del Suo screening",
    ),
    "footer": (
        "{org} · {code} · screening summary, not a diagnosis",
        "{org} · {code} · スクリーニングの要約です（診断ではありません）",
        "{org} · {code} · riepilogo di screening: non è una diagnosi",
    ),
    "organisation": ("Organisation", "機関", "Struttura"),
    "patient_code": ("Patient code", "患者コード", "Codice paziente"),
    "age": ("Age", "年齢", "Età"),
    "age_value": ("{age} years", "{age}歳", "{age} anni"),
    "report_date": ("Report date", "作成日", "Data del documento"),
    "engine": ("Scoring engine", "採点エンジン", "Motore di calcolo"),
    "engine_value": (
        "version {engine} · report layout {layout}",
        "バージョン {engine}・レポート書式 {layout}",
        "versione {engine} · impaginazione {layout}",
    ),
    "respondents": (
        "Who answered what, and when",
        "回答者・回答内容・回答日",
        "Chi ha risposto a cosa, e quando",
    ),
    "role.self": (
        "Young person (self-report)",
        "本人（自己記入）",
        "Il ragazzo o la ragazza (autovalutazione)",
    ),
    "role.informant": ("Family member", "ご家族", "Familiare"),
    "role.clinician": ("Clinician", "臨床担当者", "Clinico"),
    "version_short": ("v{version}", "第{version}版", "v{version}"),
    "yes": ("Yes", "はい", "Sì"),
    "no": ("No", "いいえ", "No"),
    "unknown": ("Unknown", "不明", "Non noto"),
    # --- Clinician: urgent box ------------------------------------------------------
    "urgent.title": (
        "Urgent: act today",
        "緊急：本日中に対応してください",
        "Urgente: intervenire oggi",
    ),
    "urgent.family_safety": (
        "A family member fears for someone's safety at home now: assess safety and "
        "agree a safety plan with the family today.",
        "ご家族が現在、家庭内の安全に不安を感じています。本日中に安全を確認し、"
        "ご家族と安全のための計画を立ててください。",
        "Un familiare teme ora per la sicurezza di qualcuno in casa: valutare la "
        "sicurezza e concordare oggi un piano di sicurezza con la famiglia.",
    ),
    "raised_by": ("Raised by", "根拠となった回答", "Segnalato da"),
    # --- Clinician: outcome and flags -----------------------------------------------
    "h.outcome": (
        "Screening outcome and next step",
        "スクリーニング結果と次のステップ",
        "Esito dello screening e passo successivo",
    ),
    "category.screen_positive": (
        "Screen positive",
        "スクリーニング陽性",
        "Screening positivo",
    ),
    "category.at_risk": ("At risk", "要注意（リスクあり）", "A rischio"),
    "category.screen_negative": (
        "Screen negative",
        "スクリーニング陰性",
        "Screening negativo",
    ),
    "category.incomplete": ("Incomplete", "未完了（回答不足）", "Incompleto"),
    "next_step": (
        "Recommended next step",
        "推奨される次のステップ",
        "Passo successivo raccomandato",
    ),
    "h.flags": ("Flags", "注意が必要な点（フラグ）", "Segnalazioni"),
    "flags.none": (
        "No flags were raised by these answers.",
        "今回の回答では、フラグは立っていません。",
        "Queste risposte non hanno generato segnalazioni.",
    ),
    "flags.urgent_above": (
        "Urgent flags are shown in the box at the top of page 1.",
        "緊急のフラグは1ページ目の一番上の枠に示しています。",
        "Le segnalazioni urgenti sono nel riquadro in cima alla pagina 1.",
    ),
    "col.flag": ("Flag", "フラグ", "Segnalazione"),
    "col.severity": ("Severity", "重要度", "Gravità"),
    "col.meaning": ("What it means", "内容", "Significato"),
    "severity.urgent": ("Urgent", "緊急", "Urgente"),
    "severity.high": ("High", "高", "Alta"),
    "severity.moderate": ("Moderate", "中", "Moderata"),
    "flag.suicide_risk": ("Suicide risk", "自殺リスク", "Rischio suicidario"),
    "flag.family_safety": ("Safety at home", "家庭内の安全", "Sicurezza in casa"),
    "flag.depression": ("Low mood", "気分の落ち込み", "Umore depresso"),
    "flag.psychosis_risk": (
        "Unusual experiences",
        "普段と異なる体験",
        "Esperienze insolite",
    ),
    "flag.anxiety": ("Worry and anxiety", "心配・不安", "Preoccupazione e ansia"),
    "flag.social_anxiety": (
        "Fear of social situations",
        "対人場面への不安",
        "Paura delle situazioni sociali",
    ),
    "flag.autism_traits": (
        "Autistic traits",
        "自閉スペクトラム的な特性",
        "Tratti autistici",
    ),
    "flag.avoidant_traits": (
        "Avoidant personality traits",
        "回避的な性格傾向",
        "Tratti di personalità evitante",
    ),
    "flag.social_isolation": (
        "Small social network",
        "社会的つながりの少なさ",
        "Rete sociale ridotta",
    ),
    "flag.internet_overuse": (
        "Heavy internet or gaming use",
        "インターネット・ゲームの長時間利用",
        "Uso intenso di internet o videogiochi",
    ),
    "flag.sleep_reversal": (
        "Day-night reversal of sleep",
        "昼夜逆転",
        "Inversione sonno-veglia",
    ),
    # --- Clinician: criteria ----------------------------------------------------------
    "h.criteria": (
        "Withdrawal criteria",
        "社会的ひきこもりの基準",
        "Criteri di ritiro sociale",
    ),
    "criteria.intro": (
        "Criteria (a)–(c) after Kato, Kanba & Teo 2020; onset before 30 (Saito 1998) "
        "is not part of them and is shown separately. The clinician's rating decides a "
        "criterion when given; otherwise the self- and family reports are combined.",
        "基準(a)〜(c)はKato・Kanba・Teo（2020）によります。30歳前の発症（斎藤 1998）は"
        "この基準には含まれないため、別に示しています。臨床担当者の評価がある場合はそれを"
        "用い、ない場合は本人と家族の回答を組み合わせています。",
        "Criteri (a)–(c) secondo Kato, Kanba e Teo 2020; l'esordio prima dei 30 "
        "anni (Saito 1998) non ne fa parte ed è riportato a parte. Decide la "
        "valutazione del clinico, se presente; altrimenti si combinano "
        "autovalutazione e resoconto della famiglia.",
    ),
    "col.criterion": ("Criterion", "基準", "Criterio"),
    "col.status": ("Status", "判定", "Stato"),
    "col.value": ("Value", "内容", "Valore"),
    "col.source": ("Decided by", "判定の根拠", "Deciso da"),
    "col.answers": ("Answers behind it", "もとになった回答", "Risposte alla base"),
    "criterion.duration": (
        "(b) Continuous withdrawal ≥ 6 months",
        "(b) 6か月以上続く社会的ひきこもり",
        "(b) Ritiro continuativo ≥ 6 mesi",
    ),
    "criterion.going_out": (
        "(a) Marked isolation at home (out ≤ 3 days a week)",
        "(a) 家に閉じこもっている（外出が週3日以下）",
        "(a) Isolamento marcato in casa (esce ≤ 3 giorni a settimana)",
    ),
    "criterion.impairment_or_distress": (
        "(c) Functional impairment or distress",
        "(c) 生活機能の障害または苦痛",
        "(c) Compromissione del funzionamento o disagio",
    ),
    "criterion.onset_before_30": (
        "Onset before age 30 (shown separately)",
        "30歳より前に始まった（別に表示）",
        "Esordio prima dei 30 anni (a parte)",
    ),
    "band.acute_positive": ("Acute positive", "急性陽性", "Positivo acuto"),
    "status.met": ("Met", "該当", "Soddisfatto"),
    "status.partly": ("Partly", "一部該当", "In parte"),
    "status.not_met": ("Not met", "非該当", "Non soddisfatto"),
    "status.unknown": ("Unknown", "不明", "Non noto"),
    "duration.meets": ("6 months or more", "6か月以上", "6 mesi o più"),
    "duration.at_risk": (
        "3 to under 6 months",
        "3か月以上6か月未満",
        "da 3 a meno di 6 mesi",
    ),
    "duration.below": ("under 3 months", "3か月未満", "meno di 3 mesi"),
    "duration.unknown": ("not answered", "回答なし", "nessuna risposta"),
    "going_out.severe": (
        "severe: rarely leaves own room",
        "重度：自室からほとんど出ない",
        "grave: esce raramente dalla propria stanza",
    ),
    "going_out.moderate": (
        "moderate: out ≤ 1 day a week",
        "中等度：外出は週1日以下",
        "moderato: esce ≤ 1 giorno a settimana",
    ),
    "going_out.mild": (
        "mild: out 2–3 days a week",
        "軽度：外出は週2〜3日",
        "lieve: esce 2–3 giorni a settimana",
    ),
    "going_out.not_marked": (
        "not marked: out ≥ 4 days a week",
        "該当せず：外出は週4日以上",
        "non marcato: esce ≥ 4 giorni a settimana",
    ),
    "going_out.unknown": ("not answered", "回答なし", "nessuna risposta"),
    "onset.true": ("before age 30", "30歳より前", "prima dei 30 anni"),
    "onset.false": ("at age 30 or later", "30歳以降", "a 30 anni o dopo"),
    "impairment.true": ("present", "あり", "presente"),
    "impairment.false": ("absent", "なし", "assente"),
    "value.none": ("not answered", "回答なし", "nessuna risposta"),
    "source.self": ("Self-report", "本人の回答", "Autovalutazione"),
    "source.family": ("Family report", "家族の回答", "Resoconto della famiglia"),
    "source.clinician": ("Clinician", "臨床担当者", "Clinico"),
    "source.none": ("—", "—", "—"),
    "short.withdrawal": (
        "Withdrawal (self)",
        "ひきこもり（本人）",
        "Ritiro (autovalutazione)",
    ),
    "short.withdrawal_family": (
        "Withdrawal (family)",
        "ひきこもり（家族）",
        "Ritiro (famiglia)",
    ),
    "short.criteria": (
        "Criteria (clinician)",
        "基準（臨床担当者）",
        "Criteri (clinico)",
    ),
    "not_asked": ("not asked", "質問していません", "non chiesto"),
    "h.safety_items": (
        "Safety questions and answers",
        "安全に関する質問と回答",
        "Domande sulla sicurezza e risposte",
    ),
    "h.item_answers": (
        "Answers item by item",
        "項目ごとの回答",
        "Risposte item per item",
    ),
    "col.question": ("Question", "質問", "Domanda"),
    "h.history": (
        "Earlier screenings",
        "これまでのスクリーニング",
        "Screening precedenti",
    ),
    "col.date": ("Date", "日付", "Data"),
    "col.outcome": ("Outcome", "結果", "Esito"),
    "col.totals": ("Key totals", "主な得点", "Punteggi principali"),
    "col.answer": ("Answer", "回答", "Risposta"),
    "mode.kiosk": (
        "on the clinic's device",
        "院内の端末で回答",
        "sul dispositivo della struttura",
    ),
    "mode.link": (
        "through an invitation link",
        "招待リンクから回答",
        "tramite un link di invito",
    ),
    "mode.clinician": (
        "entered by the clinician",
        "臨床担当者が入力",
        "inserito dal clinico",
    ),
    "decided": ("(decided)", "（判定に採用）", "(decisivo)"),
    # --- Clinician: scores ----------------------------------------------------------
    "h.scores": ("Instrument scores", "尺度の得点", "Punteggi degli strumenti"),
    "scores.legend": (
        "Bars show each score range with its bands; the black line marks the "
        "score, dashed lines the cut-offs.",
        "棒グラフは得点の範囲と区分を示します。黒い線が得点、点線がカットオフ値です。",
        "Le barre mostrano l'intervallo di punteggio con le fasce; la linea nera "
        "indica il punteggio, le linee tratteggiate le soglie.",
    ),
    "col.instrument": ("Instrument", "尺度", "Strumento"),
    "col.score": ("Score", "得点", "Punteggio"),
    "col.band": ("Band", "区分", "Fascia"),
    "score_of": ("{total} of {max}", "{total}点（{max}点満点）", "{total} su {max}"),
    "cutoff": ("cut-off {value}", "カットオフ {value}", "soglia {value}"),
    "incomplete_items": (
        "Incomplete: {n} item(s) not answered, so no total.",
        "未完了：{n}項目が未回答のため、合計点はありません。",
        "Incompleto: {n} domanda/e senza risposta, quindi nessun totale.",
    ),
    "no_total_modules": (
        "Answered without a total (they feed the criteria and flags above): {names}.",
        "合計点のない質問票（上の基準とフラグに使われます）：{names}。",
        "Compilati senza totale (alimentano i criteri e le segnalazioni sopra): "
        "{names}.",
    ),
    # --- Clinician: comparison ------------------------------------------------------
    "h.compare": (
        "Self-report and family report compared",
        "本人の回答と家族の回答の比較",
        "Autovalutazione e resoconto della famiglia a confronto",
    ),
    "compare.intro": (
        "Where they differ, the criterion takes the answer closer to meeting it, so "
        "that the screen does not miss someone who needs help.",
        "両者が異なる場合は、基準を満たす方向の回答を用いています。支援が必要な人を"
        "見落とさないためです。",
        "Dove differiscono, il criterio prende la risposta più vicina a soddisfarlo, "
        "per non perdere chi ha bisogno di aiuto.",
    ),
    "compare.agree": (
        "Self-report and family report agree on every criterion both answered.",
        "両方が回答した基準については、本人と家族の回答は一致しています。",
        "Autovalutazione e resoconto della famiglia concordano su tutti i criteri "
        "a cui hanno risposto entrambi.",
    ),
    "compare.single": (
        "Only one of the two reports was completed, so there is nothing to compare.",
        "本人・家族のどちらか一方の回答しかないため、比較はできません。",
        "È stato compilato solo uno dei due resoconti: non c'è nulla da confrontare.",
    ),
    "col.self": ("Self-report", "本人", "Autovalutazione"),
    "col.family": ("Family report", "家族", "Famiglia"),
    # --- Clinician: how to read, references -------------------------------------------
    "h.how_to_read": (
        "How to read this",
        "この要約の読み方",
        "Come leggere questo documento",
    ),
    "h.instruments": (
        "Instruments, citations and licences",
        "使用した尺度・出典・ライセンス",
        "Strumenti, fonti e licenze",
    ),
    # --- Audiences, disclosure, safety (issue 16) ---------------------------------
    "title.self": (
        "Your screening summary",
        "あなたのスクリーニング結果のまとめ",
        "Il riepilogo del tuo screening",
    ),
    "fam.safety.title": (
        "Everyone's safety at home comes first",
        "家にいる全員の安全が最優先です",
        "Prima di tutto la sicurezza di tutti in casa",
    ),
    "fam.safety.body": (
        "You told us that you fear for someone's safety at home now. The safety of "
        "everyone in the home comes first, including your own. If anyone is in "
        "danger, get to a safe place and call {emergency}. You do not have to stay "
        "with anyone who may hurt you. The services below help with violence at "
        "home and support families.",
        "今、家庭内で誰かの安全が心配だとお答えいただきました。あなたご自身を含め、"
        "家にいる全員の安全が最優先です。誰かに危険があるときは、安全な場所に移動し"
        "てから{emergency}に電話してください。あなたを傷つけるおそれのある人のそばに"
        "とどまる必要はありません。下の窓口では、家庭内の暴力について相談でき、ご家族"
        "を支援しています。",
        "Ci ha detto che ora teme per la sicurezza di qualcuno in casa. Prima di "
        "tutto viene la sicurezza di tutti in casa, compresa la Sua. Se qualcuno è in "
        "pericolo, si metta al sicuro e chiami il {emergency}. Non è tenuto/a a "
        "restare vicino a chi potrebbe farLe del male. I servizi qui sotto aiutano "
        "in caso di violenza in casa e sostengono le famiglie.",
    ),
    "fam.conflict.title": (
        "Help with violence or conflict at home",
        "家庭内の暴力や対立についての相談先",
        "Aiuto in caso di violenza o conflitti in casa",
    ),
    "fam.conflict.body": (
        "You told us about violence or serious conflict at home. The services below "
        "help with violence at home and support families; if anyone is in danger, "
        "get to a safe place and call {emergency}.",
        "家庭内の暴力や深刻な対立についてお答えいただきました。下の窓口では、家庭内の"
        "暴力について相談でき、ご家族を支援しています。誰かに危険があるときは、安全な"
        "場所に移動してから{emergency}に電話してください。",
        "Ci ha parlato di violenza o di gravi conflitti in casa. I servizi qui sotto "
        "aiutano in caso di violenza in casa e sostengono le famiglie; se qualcuno è "
        "in pericolo, si metta al sicuro e chiami il {emergency}.",
    ),
    "fam.shared.title": (
        "Shared with you by the clinician",
        "臨床担当者からお伝えすること",
        "Condiviso con Lei dal clinico",
    ),
    "fam.shared.safety": (
        "Your young person's own answers in this screening raised a concern about "
        "their safety. The clinician has chosen to share this with you so that you "
        "can help keep them safe. Please talk to someone now; do not wait for an "
        "appointment.",
        "お子さんご本人の回答に、安全についての心配がありました。お子さんの安全を"
        "守るために、臨床担当者の判断でお伝えしています。予約を待たずに、今すぐ誰かに"
        "相談してください。",
        "Le risposte date dal ragazzo o dalla ragazza in questo screening hanno "
        "sollevato una preoccupazione per la sua sicurezza. Il clinico ha scelto di "
        "condividerla con Lei perché possa aiutare a tenerlo/a al sicuro. Per favore, "
        "parli con qualcuno adesso, senza aspettare un appuntamento.",
    ),
    "fam.why.urgent": (
        "First make sure everyone is safe, using the numbers on this page. Then a "
        "mental-health professional can talk with your young person and with you, "
        "understand what lies behind the withdrawal, and suggest help that fits.",
        "まず、このページの番号を使って、全員の安全を確かめてください。そのうえで、"
        "心の健康の専門家が、お子さんやご家族と話をして、ひきこもりの背景にあるものを"
        "理解し、合った支援を提案してくれます。",
        "Prima di tutto si assicuri che tutti siano al sicuro, usando i numeri di "
        "questa pagina. Poi un professionista della salute mentale può parlare con il "
        "ragazzo o la ragazza e con Lei, capire che cosa c'è dietro il ritiro e "
        "proporre un aiuto adatto.",
    ),
    "fam.none": (
        "No family questionnaire was answered in this screening, so this summary "
        "holds only general advice.",
        "今回のスクリーニングでは、ご家族用の質問票への回答がありませんでした。この"
        "まとめには一般的な助言だけを載せています。",
        "In questo screening non è stato compilato il questionario per la famiglia: "
        "questo riepilogo contiene solo consigli generali.",
    ),
    "fam.not_asked.safety": (
        "Safety at home and talk of self-harm were not asked about in your "
        "questionnaire, or not answered.",
        "今回の質問票では、家庭内の安全や自傷についての質問がなかったか、回答が"
        "ありませんでした。",
        "Nel Suo questionario la sicurezza in casa e i discorsi di autolesionismo non "
        "sono stati chiesti, oppure non hanno avuto risposta.",
    ),
    "not_screened.suicide_risk": (
        "Suicide risk was not screened in this screening: no suicide-risk question "
        "(ASQ, PHQ-9 item 9, family item on talk of self-harm) was answered.",
        "今回のスクリーニングでは自殺リスクを確認していません（ASQ、PHQ-9の項目9、"
        "ご家族用の自傷の話題についての項目のいずれにも回答がありません）。",
        "In questo screening il rischio suicidario non è stato valutato: nessuna "
        "domanda sul rischio suicidario (ASQ, item 9 del PHQ-9, item della famiglia "
        "sui discorsi di autolesionismo) ha avuto risposta.",
    ),
    "not_screened.family_safety": (
        "Safety at home was not screened in this screening: the family items on "
        "safety now and conflict at home were not answered.",
        "今回のスクリーニングでは家庭内の安全を確認していません（ご家族用の、現在の"
        "安全と家庭内の対立についての項目に回答がありません）。",
        "In questo screening la sicurezza in casa non è stata valutata: gli item "
        "della famiglia sulla sicurezza attuale e sui conflitti in casa non hanno "
        "avuto risposta.",
    ),
    "missing_items": (
        "Not answered: {items}.",
        "未回答：{items}。",
        "Senza risposta: {items}.",
    ),
    "missing.may_change": (
        "The missing answers could change this score's band and the outcome.",
        "未回答の項目によって、この得点の区分や結果が変わる可能性があります。",
        "Le risposte mancanti potrebbero cambiare la fascia di questo punteggio e "
        "l'esito.",
    ),
    "lower_bound": (
        "Not finished, but the answered items already reach the cut-off "
        "(at least {value}).",
        "最後まで回答されていませんが、回答済みの項目だけでカットオフ値に達して"
        "います（{value}点以上）。",
        "Non completato, ma gli item con risposta raggiungono già la soglia "
        "(almeno {value}).",
    ),
    "cutoff_source": ("Source: {source}", "出典：{source}", "Fonte: {source}"),
    "h.contacts": (
        "Crisis contacts given to the family and the young person",
        "ご家族と本人に案内している相談先",
        "Contatti di crisi indicati alla famiglia e al ragazzo o alla ragazza",
    ),
    # --- The young person's own summary -----------------------------------------------
    "self.prepared": (
        "Prepared by {org} on {date}, from your own answers.",
        "{org}が{date}に、あなた自身の回答をもとに作成しました。",
        "Preparato da {org} il {date}, a partire dalle tue risposte.",
    ),
    "self.urgent.title": (
        "Please talk to someone now",
        "今すぐ、誰かに話してください",
        "Per favore, parla con qualcuno adesso",
    ),
    "self.urgent.body": (
        "Some of your answers tell us you may not be safe right now. You do not have "
        "to deal with this alone. Please tell an adult you trust or call one of the "
        "numbers below now. If you are in danger, call {emergency}.",
        "あなたの回答から、今、あなたが安全ではないかもしれないことがわかりました。"
        "ひとりで抱え込まなくて大丈夫です。信頼できる大人に話すか、今すぐ下の番号に"
        "電話してください。危険が迫っているときは{emergency}に電話してください。",
        "Alcune tue risposte ci dicono che in questo momento potresti non essere al "
        "sicuro. Non devi affrontarlo da solo o da sola. Parlane adesso con un adulto "
        "di cui ti fidi o chiama uno dei numeri qui sotto. Se sei in pericolo, chiama "
        "il {emergency}.",
    ),
    "self.h.told": (
        "What you told us",
        "あなたが答えてくれたこと",
        "Che cosa ci hai detto",
    ),
    "self.room": (
        "you rarely leave your own room",
        "自分の部屋からほとんど出ない",
        "esci raramente dalla tua stanza",
    ),
    "self.impact.true": (
        "it gets in the way of school, work, home life or friendships, or it "
        "troubles you",
        "学校や仕事、家での生活、友だち関係に支障が出ているか、あなたがつらく感じて"
        "います",
        "ostacola la scuola, il lavoro, la vita in casa o le amicizie, oppure ti fa "
        "stare male",
    ),
    "self.meaning.screen_positive": (
        "Your answers describe a long time of staying mostly at home, going out "
        "rarely, and daily life being affected. This is more common than many people "
        "think, it can change, and talking to a professional helps most when it "
        "happens early.",
        "あなたの回答からは、長いあいだ主に家で過ごし、外出が少なく、毎日の生活に影響"
        "が出ている様子がうかがえます。こうしたことは思われているよりよくあることで、"
        "変わっていくことができます。早めに専門家に話すと、いちばん助けになります。",
        "Le tue risposte descrivono un lungo periodo passato soprattutto in casa, "
        "con poche uscite e con effetti sulla vita di tutti i giorni. Succede più "
        "spesso di quanto si pensi, può cambiare, e parlarne presto con un "
        "professionista aiuta di più.",
    ),
    "self.meaning.at_risk": (
        "Your answers show some signs of pulling back from things, but not the whole "
        "picture. It is worth talking it over with a professional, and answering "
        "these questions again in 1 to 3 months.",
        "あなたの回答には、ひきこもりの兆しがいくつか見られますが、すべてが当てはまる"
        "わけではありません。専門家に話してみること、1〜3か月後にもう一度この質問に"
        "答えることをおすすめします。",
        "Le tue risposte mostrano alcuni segni di ritiro, ma non il quadro completo. "
        "Vale la pena parlarne con un professionista e rispondere di nuovo a queste "
        "domande tra 1-3 mesi.",
    ),
    "self.meaning.screen_negative": (
        "Your answers show no sign of a long time of staying at home. If things "
        "change, for example you go out less or everyday life gets harder, answer the "
        "questions again or talk to someone.",
        "あなたの回答からは、長いあいだ家にこもっている兆しは見られませんでした。外出"
        "が減る、毎日の生活がつらくなるなど、様子が変わったときは、もう一度答えるか、"
        "誰かに話してください。",
        "Le tue risposte non mostrano segni di un lungo periodo passato in casa. Se "
        "le cose cambiano, per esempio esci di meno o la vita di tutti i giorni "
        "diventa più difficile, rispondi di nuovo alle domande o parlane con qualcuno.",
    ),
    "self.meaning.incomplete": (
        "Some important answers are missing, so we cannot yet say what your answers "
        "may mean. Please answer these too: {missing}.",
        "大切な回答がいくつか足りないため、まだ結果をお伝えできません。次の質問にも"
        "答えてください：{missing}。",
        "Mancano alcune risposte importanti, quindi non possiamo ancora dirti che "
        "cosa possono voler dire. Rispondi anche a queste: {missing}.",
    ),
    "self.meaning.none": (
        "You did not answer the questions about staying at home in this screening, "
        "so this summary holds only general advice.",
        "今回は家で過ごす時間についての質問に回答がなかったため、このまとめには一般的"
        "な助言だけを載せています。",
        "In questo screening non hai risposto alle domande sul tempo passato in casa: "
        "questo riepilogo contiene solo consigli generali.",
    ),
    "self.h.help": (
        "Who you can talk to",
        "相談できる人",
        "Con chi puoi parlare",
    ),
    "self.h.danger": (
        "If you are not safe",
        "安全ではないと感じたら",
        "Se non ti senti al sicuro",
    ),
    "self.danger": (
        "If you ever think about hurting yourself, or you are not safe, do not wait. "
        "Call:",
        "自分を傷つけたいと思ったとき、または安全ではないと感じたときは、待たずに電話"
        "してください：",
        "Se pensi di farti del male, o non sei al sicuro, non aspettare. Chiama:",
    ),
    "self.not_screened": (
        "This screening did not ask about thoughts of suicide or self-harm. If you "
        "have such thoughts, please tell someone you trust or call a number below.",
        "今回のスクリーニングでは、死にたい気持ちや自傷についての質問はしていません。"
        "そうした気持ちがあるときは、信頼できる人に話すか、下の番号に電話してくださ"
        "い。",
        "Questo screening non ha chiesto di pensieri di suicidio o di farsi del male. "
        "Se hai pensieri così, dillo a qualcuno di cui ti fidi o chiama un numero qui "
        "sotto.",
    ),
    # --- Family -----------------------------------------------------------------------
    "fam.urgent.title": (
        "Please talk to someone now",
        "今すぐ、誰かに相談してください",
        "Per favore, parli con qualcuno adesso",
    ),
    "fam.urgent.body": (
        "Some of your answers mean that your young person may be in danger. Do not "
        "wait for an appointment: call one of the numbers below now. If you fear "
        "they may harm themselves, stay with them if it is safe for you, and call "
        "{emergency} if there is immediate danger.",
        "お答えの中に、お子さんに危険が迫っているかもしれないことを示すものがありました。"
        "予約を待たずに、今すぐ下の番号に電話してください。お子さんが自分を傷つける"
        "おそれがあるときは、ご自身が安全であればそばにいてください。差し迫った危険が"
        "あるときは{emergency}に電話してください。",
        "Alcune Sue risposte indicano che il ragazzo o la ragazza potrebbe essere in "
        "pericolo. Non aspetti un appuntamento: chiami adesso uno dei numeri qui "
        "sotto. Se teme che possa farsi del male, gli/le resti vicino se per Lei è "
        "sicuro e, in caso di pericolo immediato, chiami il {emergency}.",
    ),
    "fam.prepared": (
        "Prepared by {org} on {date}, about a young person aged {age}.",
        "{org}が{date}に作成しました（{age}歳のお子さんについて）。",
        "Preparato da {org} il {date}, riguardo a un ragazzo o una ragazza di "
        "{age} anni.",
    ),
    "fam.h.told": ("What you told us", "お答えいただいた内容", "Che cosa ci ha detto"),
    "fam.h.meaning": (
        "What this may mean",
        "この結果から考えられること",
        "Che cosa può voler dire",
    ),
    "fam.h.why": (
        "Why a professional assessment is the next step",
        "専門家に相談することが次のステップである理由",
        "Perché il passo successivo è una valutazione da un professionista",
    ),
    # A negative screen recommends no assessment, so its headings do not either.
    "fam.h.why_negative": (
        "If you are still worried",
        "心配が続くときは",
        "Se è ancora preoccupato/a",
    ),
    "fam.h.how": ("How to ask for one", "相談のしかた", "Come chiederla"),
    "fam.h.how_negative": (
        "How to ask for help",
        "相談のしかた",
        "Come chiedere aiuto",
    ),
    "fam.h.danger": (
        "If there is danger now",
        "危険があるときは",
        "Se c'è un pericolo adesso",
    ),
    "fam.told.duration": (
        "Staying mostly at home",
        "主に家で過ごしている期間",
        "Tempo passato soprattutto in casa",
    ),
    "fam.told.going_out": ("Going out", "外出", "Uscite da casa"),
    "fam.told.impact": (
        "Effect on daily life",
        "毎日の生活への影響",
        "Effetti sulla vita quotidiana",
    ),
    "fam.told.onset": (
        "When it became a problem",
        "問題になり始めた時期",
        "Quando è diventato un problema",
    ),
    "fam.months": ("about {n} months", "約{n}か月", "circa {n} mesi"),
    "fam.month": ("about 1 month", "約1か月", "circa 1 mese"),
    "fam.days": ("{n} days a week", "週{n}日", "{n} giorni a settimana"),
    "fam.day": ("1 day a week", "週1日", "1 giorno a settimana"),
    "fam.months_lt1": ("less than a month", "1か月未満", "meno di un mese"),
    "fam.going_out.severe": (
        "rarely leaves their own room",
        "自分の部屋からほとんど出ない",
        "esce raramente dalla propria stanza",
    ),
    "fam.going_out.moderate": (
        "goes out 1 day a week or less",
        "外出は週1日以下",
        "esce 1 giorno a settimana o meno",
    ),
    "fam.going_out.mild": (
        "goes out 2 or 3 days a week",
        "外出は週2〜3日",
        "esce 2 o 3 giorni a settimana",
    ),
    "fam.going_out.not_marked": (
        "goes out 4 or more days a week",
        "外出は週4日以上",
        "esce 4 o più giorni a settimana",
    ),
    "fam.going_out.unknown": ("not answered", "回答なし", "nessuna risposta"),
    "fam.room": (
        "rarely leaves their own room",
        "自分の部屋からほとんど出ない",
        "esce raramente dalla propria stanza",
    ),
    "fam.impact.true": (
        "it gets in the way of school, work, home life or friendships, or it "
        "troubles them",
        "学校や仕事、家庭での生活、友人関係に支障が出ているか、本人がつらく感じて"
        "います",
        "ostacola la scuola, il lavoro, la vita in casa o le amicizie, oppure lo/la "
        "fa stare male",
    ),
    "fam.impact.false": (
        "little effect on daily life",
        "毎日の生活への影響は小さい",
        "pochi effetti sulla vita quotidiana",
    ),
    "fam.onset_age": ("at about age {n}", "{n}歳ごろ", "verso i {n} anni"),
    "fam.not_answered": ("not answered", "回答なし", "nessuna risposta"),
    "fam.also": (
        "The answers also mention",
        "回答からは、ほかに次のことも見られました",
        "Le risposte segnalano anche",
    ),
    "fam.h.told_other": (
        "What the answers show",
        "回答からわかったこと",
        "Che cosa mostrano le risposte",
    ),
    "fam.flag.family_safety": (
        "worries about safety or serious conflict at home",
        "家庭内の安全や深刻な対立についての心配",
        "preoccupazioni per la sicurezza o gravi conflitti in casa",
    ),
    "fam.flag.suicide_risk": (
        "talk of death, suicide or self-harm",
        "死や自殺、自分を傷つけることについての話",
        "discorsi sulla morte, sul suicidio o sul farsi del male",
    ),
    "fam.flag.depression": ("low mood", "気分の落ち込み", "umore giù"),
    "fam.flag.psychosis_risk": (
        "unusual experiences",
        "普段と違う体験",
        "esperienze insolite",
    ),
    "fam.flag.anxiety": ("a lot of worry", "強い心配や不安", "molta preoccupazione"),
    "fam.flag.social_anxiety": (
        "fear of being with other people",
        "人と会うことへの不安",
        "paura di stare con altre persone",
    ),
    "fam.flag.autism_traits": (
        "ways of thinking and relating that the professional may want to ask about",
        "専門家が詳しく聞きたいと思うような、考え方や人との関わり方の特徴",
        "modi di pensare e di relazionarsi su cui il professionista potrebbe fare "
        "domande",
    ),
    "fam.flag.avoidant_traits": (
        "a long-standing tendency to avoid people",
        "以前から人を避ける傾向",
        "una tendenza di lunga data a evitare le persone",
    ),
    "fam.flag.social_isolation": (
        "few people to rely on",
        "頼れる人が少ないこと",
        "poche persone su cui contare",
    ),
    "fam.flag.internet_overuse": (
        "many hours online or gaming, at the cost of sleep, meals or duties",
        "睡眠や食事、やるべきことを削るほどの長時間のインターネットやゲーム",
        "molte ore online o ai videogiochi, a scapito di sonno, pasti o impegni",
    ),
    "fam.flag.sleep_reversal": (
        "sleeping mostly during the day and staying awake at night",
        "昼に寝て夜に起きている（昼夜逆転）",
        "dormire soprattutto di giorno e restare svegli di notte",
    ),
    "fam.meaning.screen_positive": (
        "Your answers describe a long time of staying mostly at home, going out "
        "rarely, and daily life being affected. This pattern is called prolonged "
        "social withdrawal (in Japanese, hikikomori). It is more common than many "
        "families think, it can change, and help works best when it starts early.",
        "お答えからは、長い期間ほとんど家で過ごし、外出が少なく、毎日の生活にも影響が"
        "出ている様子がうかがえます。このような状態は「長期の社会的ひきこもり」と"
        "呼ばれます。多くのご家族が思っているよりもよくあることで、状況は変わって"
        "いきます。早めに支援を始めるほど効果的です。",
        "Le Sue risposte descrivono un lungo periodo passato soprattutto in casa, con "
        "poche uscite e conseguenze sulla vita quotidiana. Questa situazione si chiama "
        "ritiro sociale prolungato (in giapponese, hikikomori). È più frequente di "
        "quanto molte famiglie pensino, può cambiare, e l'aiuto funziona meglio "
        "quando inizia presto.",
    ),
    "fam.meaning.at_risk": (
        "Your answers show some signs of withdrawal, but not the whole picture. It is "
        "worth talking it over with a professional now, and answering these questions "
        "again in 1 to 3 months to see whether things are changing.",
        "お答えには、ひきこもりの兆しがいくつか見られますが、すべてが当てはまるわけ"
        "ではありません。今のうちに専門家に相談し、1〜3か月後にもう一度この質問に"
        "答えて、変化があるかを確かめることをお勧めします。",
        "Le Sue risposte mostrano alcuni segni di ritiro, ma non il quadro completo. "
        "Vale la pena parlarne ora con un professionista e rispondere di nuovo a "
        "queste domande tra 1 e 3 mesi, per vedere se qualcosa cambia.",
    ),
    "fam.meaning.screen_negative": (
        "Your answers show no sign of prolonged withdrawal at the moment. If things "
        "change, for example your young person stays in more, goes out less, or "
        "everyday life gets harder, answer the questions again or talk to a "
        "professional.",
        "今回のお答えからは、長期のひきこもりの兆しは見られませんでした。家にいる時間"
        "が増える、外出が減る、毎日の生活が難しくなるなど、様子が変わったときは、"
        "もう一度質問に答えるか、専門家に相談してください。",
        "Le Sue risposte al momento non mostrano segni di ritiro prolungato. Se la "
        "situazione cambia, per esempio se il ragazzo o la ragazza sta più in casa, "
        "esce meno o la vita di tutti i giorni diventa più difficile, risponda di "
        "nuovo alle domande o ne parli con un professionista.",
    ),
    "fam.meaning.incomplete": (
        "Some important answers are missing, so we cannot yet say what your answers "
        "may mean. Please answer these too: {missing}.",
        "大切な回答がいくつか不足しているため、まだ結果をお伝えできません。次の質問"
        "にもお答えください：{missing}。",
        "Mancano alcune risposte importanti, quindi non possiamo ancora dire che cosa "
        "possono voler dire. Risponda anche a queste domande: {missing}.",
    ),
    "fam.meaning.other": (
        "Some answers also point to other difficulties. The professional assessment "
        "can look at these at the same time.",
        "ほかの困りごとがある可能性を示す回答もありました。専門家の相談では、それらも"
        "あわせてみてもらえます。",
        "Alcune risposte indicano anche altre difficoltà. La valutazione da parte di "
        "un professionista può considerarle nello stesso momento.",
    ),
    "fam.why": (
        "A questionnaire can only point to what is worth looking at. A mental-health "
        "professional can talk with your young person and with you, understand what "
        "lies behind the withdrawal, and suggest help that fits. You do not have to "
        "sort this out alone.",
        "質問票でわかるのは「詳しくみたほうがよいこと」だけです。精神保健の専門家は、"
        "お子さんやご家族と話をして、ひきこもりの背景にあるものを理解し、合った支援を"
        "提案してくれます。ご家族だけで抱え込む必要はありません。",
        "Un questionario può solo indicare che cosa vale la pena approfondire. Un "
        "professionista della salute mentale può parlare con il ragazzo o la "
        "ragazza e con Lei, capire che cosa c'è dietro il ritiro e proporre un "
        "aiuto adatto. Non deve affrontare tutto questo da solo/a.",
    ),
    "fam.why.negative": (
        "Nothing urgent is needed now. If you are still worried, a professional "
        "can listen and advise: you do not need a positive screen to ask for help.",
        "今すぐ必要なことはありません。それでも心配なときは、専門家が話を聞いて助言"
        "してくれます。スクリーニングの結果にかかわらず、相談してかまいません。",
        "Al momento non serve nulla di urgente. Se è ancora preoccupato/a, un "
        "professionista può ascoltarLa e consigliarLa: non serve uno screening "
        "positivo per chiedere aiuto.",
    ),
    "fam.danger": (
        "If you fear for anyone's safety right now, because of thoughts of suicide, "
        "self-harm or violence, do not wait for an appointment. Call:",
        "自殺や自傷、暴力のおそれがあり、今まさに誰かの安全が心配なときは、予約を待た"
        "ずに電話してください：",
        "Se in questo momento teme per la sicurezza di qualcuno, per pensieri di "
        "suicidio, autolesionismo o violenza, non aspetti un appuntamento. Chiami:",
    ),
}

_L: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "fam.how.adult": (
        (
            "Talk to your family doctor (GP) together with your young person, and "
            "show them this summary.",
            "If your young person studies, the student support or counselling "
            "service can help.",
            "Contact your local adult mental-health service and ask for an assessment.",
            "If your young person does not want to go, go first on your own: many "
            "services start by meeting the family.",
        ),
        (
            "かかりつけ医に、お子さんと一緒に相談し、このまとめを見せてください。",
            "お子さんが学生であれば、学生相談室や保健管理センターに相談できます。",
            "お住まいの地域の精神保健福祉センターや保健所、ひきこもり地域支援センター"
            "に相談できます。",
            "お子さんが行きたがらないときは、まずご家族だけで相談に行くことができます。"
            "多くの窓口は家族からの相談を受け付けています。",
        ),
        (
            "Ne parli con il medico di famiglia insieme al ragazzo o alla ragazza e "
            "mostri questo riepilogo.",
            "Se studia, può aiutare il servizio di counseling dell'università.",
            "Contatti il Centro di salute mentale della Sua ASL e chieda una "
            "valutazione.",
            "Se il ragazzo o la ragazza non vuole andare, vada prima Lei: molti "
            "servizi iniziano incontrando la famiglia.",
        ),
    ),
    "self.how.minor": (
        (
            "A parent or another adult you trust.",
            "Your paediatrician or family doctor: you can show them this summary.",
            "The school nurse or school counsellor.",
            "Your local child and adolescent mental-health service.",
        ),
        (
            "保護者や、信頼できるほかの大人",
            "小児科やかかりつけの先生（このまとめを見せることができます）",
            "学校の養護教諭（保健室の先生）やスクールカウンセラー",
            "お住まいの地域の精神保健福祉センターや保健所",
        ),
        (
            "Un genitore o un altro adulto di cui ti fidi.",
            "Il tuo pediatra o medico di famiglia: puoi mostrargli questo riepilogo.",
            "Lo sportello d'ascolto o lo psicologo della scuola.",
            "Il servizio di neuropsichiatria dell'infanzia e dell'adolescenza (NPIA) "
            "della tua ASL.",
        ),
    ),
    "self.how.adult": (
        (
            "Your family doctor (GP): you can show them this summary.",
            "If you study, your university's student support or counselling service.",
            "Your local adult mental-health service.",
            "Someone you trust, who can come with you.",
        ),
        (
            "かかりつけ医（このまとめを見せることができます）",
            "学生であれば、学生相談室や保健管理センター",
            "お住まいの地域の精神保健福祉センターや保健所、ひきこもり地域支援センター",
            "一緒に行ってくれる、信頼できる人",
        ),
        (
            "Il tuo medico di famiglia: puoi mostrargli questo riepilogo.",
            "Se studi, il servizio di counseling della tua università.",
            "Il Centro di salute mentale della tua ASL.",
            "Una persona di cui ti fidi, che può accompagnarti.",
        ),
    ),
    "how_to_read": (
        (
            "This is a screen: it sorts answers by published cut-offs and the "
            "criteria above, and points to what a clinical assessment should look at.",
            "Urgent flags never depend on the outcome: act on them even when the "
            "screen is negative or incomplete.",
            '"Unknown" means no source answered; it counts as not met, so the '
            "outcome may change once it is known.",
            "Scores are shown against the instrument's own bands and cut-offs; a "
            "score near a cut-off deserves the same attention as one just above it.",
            "The report is rendered from the result stored at submission, with the "
            "instrument versions and scoring engine listed above, so it does not "
            "change when rules are updated later.",
        ),
        (
            "これはスクリーニングです。公表されたカットオフ値と上記の基準で回答を分類"
            "し、臨床評価で確認すべき点を示します。",
            "緊急のフラグは結果の区分とは無関係です。陰性や未完了のときも必ず対応して"
            "ください。",
            "「不明」はどの回答者も答えていないことを意味し、非該当として扱われます。"
            "わかった時点で結果が変わることがあります。",
            "得点は各尺度の区分とカットオフ値に照らして示しています。カットオフ値に"
            "近い得点は、わずかに上回る得点と同様に注意が必要です。",
            "この要約は回答提出時に保存された結果から作成しており、上記の尺度の版と"
            "採点エンジンを記録しています。後で規則が更新されても内容は変わりません。",
        ),
        (
            "Questo è uno screening: classifica le risposte secondo soglie "
            "pubblicate e i criteri sopra, e indica che cosa dovrebbe approfondire "
            "una valutazione clinica.",
            "Le segnalazioni urgenti non dipendono dall'esito: vanno seguite anche con "
            "uno screening negativo o incompleto.",
            '"Non noto" significa che nessuna fonte ha risposto; conta come non '
            "soddisfatto, quindi l'esito può cambiare quando sarà noto.",
            "I punteggi sono mostrati rispetto alle fasce e alle soglie dello "
            "strumento; un punteggio vicino alla soglia merita la stessa attenzione di "
            "uno appena sopra.",
            "Il documento è generato dal risultato salvato all'invio, con le versioni "
            "degli strumenti e del motore di calcolo indicate sopra: non cambia se le "
            "regole vengono aggiornate in seguito.",
        ),
    ),
    "fam.how": (
        (
            "Talk to your family doctor or your young person's paediatrician, and "
            "show them this summary.",
            "Ask the school nurse, counsellor or student support service.",
            "Contact your local child and adolescent (or adult) mental-health "
            "service and ask for an assessment.",
            "If your young person does not want to go, go first on your own: many "
            "services start by meeting the family.",
        ),
        (
            "かかりつけ医や小児科の先生に相談し、このまとめを見せてください。",
            "学校の養護教諭（保健室の先生）やスクールカウンセラーに相談してください。",
            "お住まいの地域の精神保健福祉センターや保健所、ひきこもり地域支援センター"
            "に相談できます。",
            "お子さんが行きたがらないときは、まずご家族だけで相談に行くことができます。"
            "多くの窓口は家族からの相談を受け付けています。",
        ),
        (
            "Ne parli con il medico di famiglia o con il/la pediatra e mostri questo "
            "riepilogo.",
            "Si rivolga allo sportello d'ascolto o allo psicologo della scuola.",
            "Contatti il servizio di neuropsichiatria dell'infanzia e "
            "dell'adolescenza (NPIA) o il Centro di salute mentale della Sua ASL, "
            "oppure un consultorio familiare.",
            "Se il ragazzo o la ragazza non vuole andare, vada prima Lei: molti "
            "servizi iniziano incontrando la famiglia.",
        ),
    ),
}


def _index(lang: str) -> int:
    try:
        return LANGUAGES.index(lang)
    except ValueError:
        raise ValueError(f"Unsupported report language {lang!r}") from None


def text(key: str, lang: str, **values: object) -> str:
    """The report string ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    template = _T[key][_index(lang)]
    return template.format(**values) if values else template


def has(key: str) -> bool:
    """Whether ``key`` is a report string."""
    return key in _T


def lines(key: str, lang: str) -> tuple[str, ...]:
    """A list of report sentences (bullets) in ``lang``."""
    return _L[key][_index(lang)]


def all_texts() -> list[tuple[str, str, str]]:
    """Every string as (key, lang, text), for wording and completeness tests."""
    found = [
        (key, lang, value)
        for key, values in _T.items()
        for lang, value in zip(LANGUAGES, values, strict=True)
    ]
    found += [
        (key, lang, line)
        for key, values in _L.items()
        for lang, group in zip(LANGUAGES, values, strict=True)
        for line in group
    ]
    return found
