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
        "Il/la giovane (autovalutazione)",
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
    # --- Family -----------------------------------------------------------------------
    "fam.urgent.title": (
        "Please talk to someone now",
        "今すぐ、誰かに相談してください",
        "Per favore, parli con qualcuno adesso",
    ),
    "fam.urgent.body": (
        "Some answers in this screening mean that someone may be in danger. Do not "
        "wait for an appointment: call one of the numbers below now. If you fear "
        "for your young person's safety, stay with them, and call the emergency "
        "number if there is immediate danger.",
        "今回のスクリーニングの回答の中に、危険が迫っているかもしれないことを示すもの"
        "がありました。予約を"
        "待たずに、今すぐ下の番号に電話してください。お子さんの安全が心配なときは"
        "そばにいてあげてください。差し迫った危険があるときは、緊急通報番号に電話"
        "してください。",
        "Alcune risposte di questo screening indicano che qualcuno potrebbe essere in "
        "pericolo. Non "
        "aspetti un appuntamento: chiami adesso uno dei numeri qui sotto. Se teme per "
        "la sicurezza del/della giovane, resti vicino a lui/lei e, in caso di pericolo "
        "immediato, chiami il numero di emergenza.",
    ),
    "fam.prepared": (
        "Prepared by {org} on {date}, about a young person aged {age}.",
        "{org}が{date}に作成しました（{age}歳のお子さんについて）。",
        "Preparato da {org} il {date}, riguardo a un/una giovane di {age} anni.",
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
        "situazione cambia, per esempio se il/la giovane sta più in casa, esce meno "
        "o la vita di tutti i giorni diventa più difficile, risponda di nuovo alle "
        "domande o ne parli con un professionista.",
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
        "professionista della salute mentale può parlare con il/la giovane e con Lei, "
        "capire che cosa c'è dietro il ritiro e proporre un aiuto adatto. Non deve "
        "affrontare tutto questo da solo/a.",
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
            "Se il/la giovane non vuole andare, vada prima Lei: molti servizi "
            "iniziano incontrando la famiglia.",
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
