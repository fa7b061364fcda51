"""The real knowledge files load; each kind of broken file is rejected with a message that names
the file, the item and the problem."""

import shutil

import pytest
import yaml

from knowledge import KnowledgeError, load_knowledge
from knowledge.loader import DATA_DIR


def test_real_knowledge_loads(kb):
    assert {d["id"] for d in kb.items("dimensions")} == {"urgentiebesef", "vertrouwen", "omvang", "commitment"}
    assert [p["id"] for p in sorted(kb.items("phases"), key=lambda p: p["order"])] == [
        "initieren", "verkennen", "inrichten", "bestendigen", "doorontwikkelen"]
    assert {"aanjager", "mediator", "facilitator", "regisseur", "partner"} <= {r["id"] for r in kb.items("roles")}
    assert len(kb.items("advice")) >= 40


def test_questionnaire_has_enough_questions(kb):
    for dim in ("urgentiebesef", "vertrouwen", "omvang", "commitment"):
        assert sum(1 for q in kb.questions if q["dimension"] == dim) >= 3, dim
    assert sum(1 for q in kb.questions if q["dimension"] == "fase") >= 6


@pytest.fixture
def data(tmp_path):
    """A writable copy of the knowledge files; edit(file, fn) changes one file's parsed YAML."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)

    def edit(filename, change):
        path = target / filename
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(doc)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    edit.dir = target
    return edit


def problems_after(data, filename, change):
    data(filename, change)
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(data.dir)
    return "\n".join(err.value.problems)


def test_a_copy_of_the_real_files_loads(data):
    assert load_knowledge(data.dir).items("advice")


BROKEN = [
    ("missing source", "advice.yml", lambda d: d["advice"][0].pop("source"), "'source' is missing"),
    ("unknown document", "advice.yml",
     lambda d: d["advice"][0]["source"].update(document="wikipedia"), "'wikipedia' is not declared"),
    ("invented section", "phases.yml",
     lambda d: d["phases"][0]["source"].update(section="9.9.9"), "section '9.9.9' is not a declared section"),
    ("nested entry without source", "phases.yml",
     lambda d: d["phases"][1]["tips"][0].pop("source"), "phases[verkennen].tips"),
    ("bad basis", "roles.yml", lambda d: d["roles"][0].update(basis="gevoel"), "basis must be"),
    ("duplicate id", "advice.yml", lambda d: d["advice"].append(dict(d["advice"][0])), "occurs more than once"),
    ("invalid id", "partners.yml", lambda d: d["partners"][0].update(id="Inwoners!"), "is not a valid id"),
    ("broken reference", "advice.yml",
     lambda d: d["advice"][0]["applies"].update(phases=["fase_zes"]), "'fase_zes' is not a known id in phases"),
    ("unknown field", "dimensions.yml", lambda d: d["dimensions"][0].update(kleur="rood"), "unknown field 'kleur'"),
    ("missing field", "dimensions.yml", lambda d: d["dimensions"][0].pop("definition"), "'definition' is missing"),
    ("question in unknown dimension", "questionnaire.yml",
     lambda d: d["questions"][0].update(dimension="geluk"), "dimension 'geluk'"),
    ("rule on unknown subdimension", "rules.yml",
     lambda d: d["caveats"][3]["when"].update(sublevels={"vertrouwen.sfeer": ["matig"]}), "vertrouwen.sfeer"),
    ("phrasing for an unknown item", "phrasings.yml",
     lambda d: d["phrasings"][0].update(item="concepts:bestaat_niet"), "'bestaat_niet' is not a known id in concepts"),
    ("phrasing for advice", "phrasings.yml",
     lambda d: d["phrasings"][0].update(item="advice:" + d["phrasings"][0]["item"].split(":")[1]),
     "'advice' is not a kind that answers questions"),
    ("phrasings twice for one item", "phrasings.yml",
     lambda d: d["phrasings"].append(dict(d["phrasings"][0])), "the item occurs more than once"),
    ("level threshold not a number", "rules.yml",
     lambda d: d["levels"]["thresholds"][0].update(below="laag"), "expected a number"),
]


@pytest.mark.parametrize("filename, change, expected", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_knowledge_is_rejected(data, filename, change, expected):
    message = problems_after(data, filename, change)
    assert expected in message
    assert filename in message


def test_invalid_yaml_is_rejected(data):
    (data.dir / "roles.yml").write_text("roles: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="roles.yml: not valid YAML"):
        load_knowledge(data.dir)


def test_missing_file_is_rejected(data):
    (data.dir / "advice.yml").unlink()
    with pytest.raises(KnowledgeError, match="advice.yml: file is missing"):
        load_knowledge(data.dir)


def test_every_problem_is_reported_at_once(data):
    def two_problems(d):
        d["advice"][0].pop("source")
        d["advice"][1]["source"]["section"] = "99"
    message = problems_after(data, "advice.yml", two_problems)
    assert "'source' is missing" in message and "section '99'" in message
