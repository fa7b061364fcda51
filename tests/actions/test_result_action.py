from actions.result import ActionDiagnosisResult

from .conftest import make_tracker, run

DIMENSIONS = {"urgentiebesef", "vertrouwen", "omvang", "commitment"}


def full_state(kb, text="gaat wel"):
    values = {"scale": 3, "yesno": "deels", "number": 12, "partners": ["inwoners", "welzijnsorganisatie"],
              "choice": None}
    answers = {}
    for q in kb.questions:
        value = values[q["type"]] if q["type"] != "choice" else q["options"][0]["id"]
        answers[q["id"]] = {"value": value, "text": text}
    return {"answers": answers, "clarify": None}


def test_result_is_said_in_dutch_and_carried_as_json(kb, domain):
    messages, events = run(ActionDiagnosisResult(), make_tracker(full_state(kb), active_loop=None), domain)
    assert events == []
    responses = [m["response"] for m in messages if m.get("response")]
    assert responses[0] == "utter_resultaat_scores" and "utter_resultaat_stappen" in responses
    scores = messages[0]["scores"]
    assert all(kb.item("dimensions", d)["label"] in scores for d in DIMENSIONS)
    steps = next(m for m in messages if m.get("response") == "utter_resultaat_stappen")
    assert steps["steps"].count("(Bron: ") == steps["steps"].count("\n") + 1
    assert steps["buttons"]
    custom = messages[-1]["custom"]
    assert custom["type"] == "diagnosis"
    result = custom["result"]
    assert result["completed"] is True and set(result["dimensions"]) == DIMENSIONS
    assert 3 <= len(result["advice"]) <= 5
    assert result["role"]["id"] in {"aanjager", "mediator", "facilitator", "regisseur", "partner"}
