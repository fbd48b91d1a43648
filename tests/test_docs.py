"""The README stays true: its two commands, every command documented, CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
INSTALL_AND_RUN = (
    "python3 -m venv .venv && .venv/bin/pip install -c constraints.txt . && .venv/bin/spinetriage"
)
INSTALL_AND_TEST = (
    "python3 -m venv .venv && .venv/bin/pip install -c constraints.txt '.[test]' "
    "&& .venv/bin/python -m pytest"
)


def _commands() -> dict[str, str | None]:
    import typer.main

    from spinetriage.cli import app

    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    return {name: command.help for name, command in commands.items()}


def test_readme_gives_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.DOTALL)
    assert INSTALL_AND_RUN in blocks
    assert INSTALL_AND_TEST in blocks


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert INSTALL_AND_TEST in ci_lines


def test_readme_says_it_does_not_diagnose() -> None:
    assert "spinetriage informs; it does not diagnose." in README


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    assert _commands()[name], f"command {name} has no help text"
    assert f"spinetriage {name}" in README


def _options() -> set[str]:
    import typer.main

    from spinetriage.cli import app

    group = typer.main.get_command(app)
    params = [
        *group.params,
        *(p for c in getattr(group, "commands", {}).values() for p in c.params),
    ]
    return {name for param in params for name in param.opts if name.startswith("--")}


@pytest.mark.parametrize("option", sorted(_options()))
def test_every_option_is_in_the_readme(option: str) -> None:
    assert f"`{option}" in README or f" {option}" in README
