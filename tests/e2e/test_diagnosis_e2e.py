"""A whole diagnosis in free Dutch text through the gateway, against the real Rasa server and
action server, then the stored result."""

import re

import pytest

from .conftest import Chat, call

# What a coordinator of a small, stagnating village coalition might type, question by question
# (order of knowledge/data/questionnaire.yml). The bot's question number tells which one is asked.
FREE_TEXT = {
    "u_elkaar_nodig": "niet echt, ze denken dat ze het al weten",
    "u_thema_belangrijk": "nauwelijks",
    "u_doelen_eens": "ja hoor, we zijn het wel eens",
    "u_belangen_botsen": "nee",
    "v_afspraken": "ja, meestal wel",
    "v_open_bespreken": "best goed",
    "v_halen_brengen": "nauwelijks",
    "v_informatie_delen": "ja",
    "o_aantal_partners": "een stuk of vijf",
    "o_soorten_partners": "de kerk, de voetbalclub en een paar vrijwilligers",
    "o_partijen_ontbreken": "ja, de thuiszorg en de winkels",
    "o_kern_en_schil": "nee",
    "o_omvang_oordeel": "eigenlijk te klein",
    "c_verantwoordelijk": "niet echt",
    "c_eigen_initiatief": "nee, ze bieden alleen hun ruimte aan",
    "c_tijd_middelen": "weinig",
    "c_opkomst": "gaat wel",
    "c_vaste_mensen": "ja",
    "f_verkennen_toegezegd": "ja",
    "f_ambitie_uitgewerkt": "ja",
    "f_rollen_vastgelegd": "ja",
    "f_procesregie": "ja, de voorzitter",
    "f_intentieverklaring": "we hebben in 2014 een convenant getekend",
    "f_activiteiten_lopen": "deels",
    "f_herijking": "nee",
    "f_energie_daalt": "ja, de opkomst loopt terug",
    "f_fase_genoemd": "levend houden denk ik",
}
ORDER = list(FREE_TEXT)


def question_number(chat):
    match = re.search(r"Vraag (\d+) van (\d+)", chat.texts())
    assert match, chat.last
    return int(match.group(1)), int(match.group(2))


@pytest.fixture(scope="module")
def finished_scan(base_url):
    chat = Chat(base_url)
    chat.say("Goedemiddag, ik wil graag de scan van onze coalitie doen")
    assert "Vraag 1 van" in chat.texts()
    progress_seen, partial = [], None
    for _ in range(len(ORDER) + 5):
        number, total = question_number(chat)
        assert total == len(ORDER)
        progress_seen += chat.custom("progress")
        if number == 10:  # halfway: the result so far is there, not completed
            status, _, partial = call(base_url, "GET", f"/api/v1/sessions/{chat.session_id}/diagnosis")
            assert status == 200, partial
        chat.say(FREE_TEXT[ORDER[number - 1]])
        if chat.custom("diagnosis"):
            break
    return chat, progress_seen, partial


def test_every_answer_was_understood_without_a_reask(finished_scan):
    chat, progress, _ = finished_scan
    assert [p["answered"] for p in progress] == list(range(len(ORDER)))


def test_result_message_in_plain_dutch(finished_scan):
    chat, _, _ = finished_scan
    text = chat.texts()
    assert "Scores (van 1 tot 5)" in text and "Rol van de gemeente: aanjager" in text
    assert "Volgende stappen:" in text and "Bron: " in text


def test_partial_result_while_the_scan_runs(finished_scan):
    _, _, partial = finished_scan
    assert partial["completed"] is False and partial["progress"] == {"answered": 9, "total": len(ORDER)}
    assert partial["dimensions"]["urgentiebesef"]["level"] == "matig"


def test_stored_result_matches_the_conversation(base_url, finished_scan):
    chat, _, _ = finished_scan
    status, ctype, result = call(base_url, "GET", f"/api/v1/sessions/{chat.session_id}/diagnosis")
    assert status == 200 and "json" in ctype
    assert result["session_id"] == chat.session_id and result["completed"] is True
    assert result == {**chat.custom("diagnosis")[0]["result"], "session_id": chat.session_id}
    dims = result["dimensions"]
    assert dims["omvang"]["level"] == "onvoldoende" and dims["vertrouwen"]["level"] == "voldoende"
    assert dims["urgentiebesef"]["subdimensions"]["doelconsensus"]["level"] == "voldoende"
    sizes = [a for a in dims["omvang"]["answers"] if a["question_id"] == "o_aantal_partners"]
    assert sizes[0]["value"] == 5 and sizes[0]["text"] == "een stuk of vijf"
    assert result["phase"]["id"] == "bestendigen" and result["phase"]["stated_by_user"] == "bestendigen"
    assert result["role"]["id"] == "aanjager"
    assert 3 <= len(result["advice"]) <= 5
    assert all(a["source"]["document"] and a["source"]["section"] for a in result["advice"])
    assert any("één persoon" in c for c in result["caveats"])


def test_why_after_the_result_explains_it(finished_scan):
    chat, _, _ = finished_scan
    chat.say(payload=next(b for b in chat.buttons() if b["title"] == "Waarom dit advies?")["payload"])
    text = chat.texts()
    assert "Zo kwamen de scores tot stand" in text and "gekozen omdat" in text
    assert chat.custom("answer")[0]["sources"]


@pytest.mark.parametrize("phase_answer, phase_id", [("doorontwikkelen of stoppen", "doorontwikkelen"),
                                                     ("levend houden en bestendigen", "bestendigen")])
def test_naming_a_phase_with_stop_or_keep_words_is_an_answer_not_a_pause(base_url, phase_answer, phase_id):
    """The last question asks for the phase; its labels hold words that also mean 'stop'."""
    chat = Chat(base_url)
    chat.say("start de scan")
    for _ in range(len(ORDER) - 1):
        chat.say(payload=next(b for b in chat.buttons() if b["title"] == "Weet ik niet")["payload"])
    assert question_number(chat)[0] == len(ORDER)
    chat.say(phase_answer)
    assert "gepauzeerd" not in chat.texts(), chat.texts()
    assert chat.custom("diagnosis")[0]["result"]["phase"]["stated_by_user"] == phase_id


def test_starting_again_mid_scan_asks_first_and_loses_nothing_until_confirmed(base_url):
    chat = Chat(base_url)
    chat.say("start de scan")
    chat.say(FREE_TEXT[ORDER[0]])
    chat.say(FREE_TEXT[ORDER[1]])
    assert question_number(chat)[0] == 3
    chat.say("kunnen we helemaal opnieuw beginnen?")
    assert "Wilt u echt opnieuw beginnen" in chat.texts(), chat.texts()
    assert question_number(chat)[0] == 3  # the scan goes on where it was
    confirm = next(b["payload"] for b in chat.buttons() if b["title"].startswith("Ja"))
    chat.say(payload=confirm)
    assert question_number(chat)[0] == 1
    assert chat.custom("progress")[-1]["answered"] == 0
