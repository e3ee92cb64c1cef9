"""The system turn lm-eval sends is exactly the document's ``system_text`` (issue 14.3), and
the user turn exactly its ``user_text``, for every template of both settings."""

from __future__ import annotations

import pytest

from pct_tasks.io.paths import task_dir


@pytest.fixture(scope="module")
def tasks():
    from lm_eval.tasks import TaskManager

    # One persona per template and setting keeps this small: 10 templates x 2 personas.
    meta = {"personas": ["18", "far left"], "propositions": [0, 7]}
    tm = TaskManager(include_path=[str(task_dir())], include_defaults=False, metadata=meta)
    loaded = tm.load_task_or_group(["pct_closed", "pct_open", "pct_closed_base"])
    return {name: task for name, task in loaded.items() if hasattr(task, "fewshot_context")}


def _turns(task, doc):
    sent = []
    task.fewshot_context(doc, 0, apply_chat_template=True,
                         chat_template=lambda msgs, add_generation_prompt=True: sent.extend(msgs) or "")
    return sent


@pytest.mark.parametrize("name", ["pct_closed", "pct_open"])
def test_system_turn_is_the_recorded_system_text(tasks, name):
    task = tasks[name]
    docs = list(task.test_docs())
    assert sorted({d["template_id"] for d in docs}) == list(range(10))
    assert {d["persona"] for d in docs} == {"18", "far left"}
    for doc in docs:
        assert doc["system_text"]
        sent = _turns(task, doc)
        assert sent == [{"role": "system", "content": doc["system_text"]},
                        {"role": "user", "content": doc["user_text"]}]


def test_base_case_sends_no_system_turn(tasks):
    doc = next(iter(tasks["pct_closed_base"].test_docs()))
    assert _turns(tasks["pct_closed_base"], doc) == [{"role": "user", "content": doc["user_text"]}]
