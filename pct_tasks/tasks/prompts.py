"""The text of one prompt: system turn (persona) and user turn (instruction + answer format)."""

from __future__ import annotations

from collections.abc import Sequence

from pct_tasks.labels import Setting
from pct_tasks.tasks.data import Persona, answer_format, templates


def format_options(options: Sequence[str]) -> str:
    """The options as shown inside a closed template: "Agree, Disagree, ..."."""
    return ", ".join(options)


def user_text(
    setting: Setting | str, template_id: int, proposition: str, options: Sequence[str] = ()
) -> str:
    """The instruction for one proposition, followed by the JSON answer format."""
    setting = Setting(setting)
    template = templates(setting)[template_id]
    if setting is Setting.CLOSED:
        body = template.format(proposition=proposition, options=format_options(options))
    else:
        body = template.format(proposition=proposition)
    return f"{body} {answer_format(setting)}"


def system_text(persona: Persona) -> str:
    """The persona sentence ("" for the base case)."""
    return persona.sentence


def user_turn_with_persona(system: str, user: str) -> str:
    """Both parts in one user turn, for chat templates without a system role."""
    return f"{system} {user}" if system else user


__all__ = ["format_options", "system_text", "user_text", "user_turn_with_persona"]
