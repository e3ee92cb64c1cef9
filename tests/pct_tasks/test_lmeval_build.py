"""build_lm: the caller's settings fill what the model args leave out, and never clash with them."""

from __future__ import annotations

import pytest

from pct_tasks.errors import PctInputError
from pct_tasks.judge import LMJudge
from pct_tasks.models.lmeval import build_lm


class Recorder:
    """Stands in for an lm-eval model class: records the constructor's keyword arguments."""

    @classmethod
    def create_from_arg_string(cls, arg_string, additional_config=None):
        from lm_eval.api.model import LM

        return LM.create_from_arg_string.__func__(cls, arg_string, additional_config)

    def __init__(self, **kwargs):
        self.kwargs = kwargs


@pytest.fixture
def recorder(monkeypatch):
    import lm_eval.api.registry as registry

    real = registry.get_model
    monkeypatch.setattr(registry, "get_model", lambda name: Recorder if name == "recorder" else real(name))


def test_args_win_over_defaults_without_a_clash(recorder):
    lm = build_lm("recorder", "pretrained=m,batch_size=8", {"batch_size": 16, "device": "cpu"})
    assert lm.kwargs == {"pretrained": "m", "batch_size": 8, "device": "cpu"}
    assert build_lm("recorder", "", {"batch_size": 16, "device": None}).kwargs == {"batch_size": 16}


def test_judge_model_args_may_set_the_batch_size(recorder):
    # Before build_lm: TypeError "got multiple values for keyword argument 'batch_size'".
    lm = LMJudge("recorder", "pretrained=m,batch_size=4,device=cpu", batch_size=1)._model()
    assert lm.kwargs == {"pretrained": "m", "batch_size": 4, "device": "cpu"}


def test_bad_args_and_unknown_models_are_input_errors():
    with pytest.raises(PctInputError, match="refiner model args: 'pretrained' is not key=value"):
        build_lm("hf", "pretrained", what="refiner model")
    with pytest.raises(PctInputError, match="unknown lm-eval model 'no-such-backend'"):
        build_lm("no-such-backend", "")
