"""Free Dutch answers -> values, table-driven. Each row: question id, what a user typed, expected.

Expected is the canonical value, "?" for a clarifying re-ask (unclear) or "weet_niet".
"""

import pytest

from knowledge.errors import AnswerError
from knowledge.parsing import parse_answer

SCALE = "u_elkaar_nodig"        # scale 1..5
REVERSE = "v_halen_brengen"     # scale, reverse-scored in the engine (the parser reads it plainly)
YESNO = "f_intentieverklaring"  # ja / deels / nee
NUMBER = "o_aantal_partners"
PARTNERS = "o_soorten_partners"
SIZE = "o_omvang_oordeel"       # choice: te_klein / passend / te_groot
PHASE = "f_fase_genoemd"        # choice of the five phases

CASES = [
    # scale words
    (SCALE, "nauwelijks", 2),
    (SCALE, "gaat wel", 3),
    (SCALE, "ja hoor", 4),
    (SCALE, "best goed", 4),
    (SCALE, "Helemaal niet", 1),
    (SCALE, "niet echt", 2),
    (SCALE, "ja, helemaal", 5),
    (SCALE, "nee, helemaal niet", 1),
    (SCALE, "soms wel soms niet", 3),
    (SCALE, "de meeste partners wel", 4),
    (SCALE, "eigenlijk iedereen", 5),
    (SCALE, "redelijk", 3),
    (SCALE, "niet slecht", 4),
    (SCALE, "4", 4),
    (SCALE, "een 2", 2),
    (SCALE, "nauwlijks", 2),            # typo
    (SCALE, "GROTENDEELS!", 4),
    (SCALE, "ja en nee", 3),
    (SCALE, "weet ik niet", "weet_niet"),
    (SCALE, "geen idee eigenlijk", "weet_niet"),
    (SCALE, "een 7", "?"),               # a school mark, not on the 1-5 scale: ask again
    (SCALE, "ja, maar eigenlijk helemaal niet", 1),     # after "maar" comes the real answer
    (SCALE, "niet echt, iedereen denkt dat we het al weten", 2),  # the opening answers, the rest explains
    (SCALE, "de kern wel, de rest niet echt", "?"),     # mixed, with no clear opening: ask again
    (SCALE, "het weer is mooi", "?"),
    (REVERSE, "sommige partners halen vooral en brengen weinig", 3),
    # yes / no / partly
    (YESNO, "ja hoor", "ja"),
    (YESNO, "nee", "nee"),
    (YESNO, "nog niet", "nee"),
    (YESNO, "bijna", "deels"),
    (YESNO, "we zijn ermee bezig", "deels"),
    (YESNO, "we hebben vorig jaar een convenant getekend", "ja"),
    (YESNO, "nee, dat is nog niet vastgelegd", "nee"),
    (YESNO, "ja, gedeeltelijk", "deels"),
    (YESNO, "klopt", "ja"),
    (YESNO, "weet niet", "weet_niet"),
    # numbers
    (NUMBER, "12", 12),
    (NUMBER, "een stuk of twaalf", 12),
    (NUMBER, "tussen de 10 en 15", 12),
    (NUMBER, "tussen de tien en vijftien", 12),
    (NUMBER, "zo'n 8 organisaties", 8),
    (NUMBER, "honderdtwintig", 120),
    (NUMBER, "twee", 2),
    (NUMBER, "ongeveer twintig", 20),
    (NUMBER, "nog geen enkele", 0),
    (NUMBER, "geen idee", "weet_niet"),
    (NUMBER, "heel veel", "?"),
    # partner types
    (PARTNERS, "inwoners, de bieb en een paar winkeliers", ["bibliotheek_cultuur", "inwoners", "ondernemers"]),
    (PARTNERS, "welzijn, huisartsen en de kerk", ["verenigingen_gemeenschappen", "welzijnsorganisatie", "zorgaanbieder"]),
    (PARTNERS, "Gemeente en thuiszorg", ["gemeente", "zorgaanbieder"]),
    (PARTNERS, "basisschool, sportclub en het wijkteam",
     ["onderwijs", "sociaal_wijkteam", "verenigingen_gemeenschappen"]),
    (PARTNERS, "weet ik niet", "weet_niet"),
    (PARTNERS, "allerlei mensen", "?"),
    # choices
    (SIZE, "eigenlijk te klein", "te_klein"),
    (SIZE, "precies goed", "passend"),
    (SIZE, "te log", "te_groot"),
    (SIZE, "te groot of te klein, ik weet het niet", "?"),
    (PHASE, "fase 3", "inrichten"),
    (PHASE, "we zitten in de verkenning", "verkennen"),
    (PHASE, "Levend houden en bestendigen", "bestendigen"),
    (PHASE, "ik denk in een netwerkdip", "doorontwikkelen"),
]


@pytest.mark.parametrize("question_id, text, expected", CASES, ids=[f"{q}:{t}" for q, t, _ in CASES])
def test_free_text(kb, question_id, text, expected):
    parsed = parse_answer(kb, question_id, text)
    if expected == "?":
        assert parsed.status == "unclear", parsed
    elif expected == "weet_niet":
        assert parsed.status == "unknown", parsed
    else:
        assert (parsed.status, parsed.value) == ("ok", expected)


def test_at_least_forty_free_text_rows():
    assert len(CASES) >= 40


def test_number_keeps_approximation_and_range(kb):
    assert parse_answer(kb, NUMBER, "een stuk of twaalf").detail == {"approx": True}
    assert parse_answer(kb, NUMBER, "tussen de 10 en 15").detail == {"range": [10, 15]}


@pytest.mark.parametrize("question_id, value", [(SCALE, 3), (YESNO, "deels"), (SIZE, "te_groot"),
                                               (NUMBER, 40), (PARTNERS, ["inwoners"])])
def test_canonical_values_pass_through(kb, question_id, value):
    assert parse_answer(kb, question_id, value).value == value


@pytest.mark.parametrize("question_id, value", [(SCALE, 9), (SCALE, 0), (SCALE, 2.5), (NUMBER, -3),
                                               (YESNO, 4), (PARTNERS, ["kapsalon"]), (SCALE, ["inwoners"])])
def test_out_of_range_values_are_refused(kb, question_id, value):
    with pytest.raises(AnswerError) as err:
        parse_answer(kb, question_id, value)
    assert err.value.question_id == question_id and err.value.detail


def test_unknown_question_is_refused(kb):
    with pytest.raises(AnswerError):
        parse_answer(kb, "bestaat_niet", "ja")
