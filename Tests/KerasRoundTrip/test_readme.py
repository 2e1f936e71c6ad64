"""The README's example sessions, run as written: every `$ ensemble …` line in a fenced block
is run in a folder holding the fixtures, and what it prints must be what the README shows."""
import os
import re
import shlex
import subprocess

from conftest import BINARY, FIXTURES, ROOT


def sessions():
    """The fenced blocks of the README that start with `$ ensemble`."""
    blocks, current = [], None
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        for line in readme:
            if line.startswith("```"):
                if current is not None:
                    blocks.append("".join(current))
                current = [] if current is None else None
            elif current is not None:
                current.append(line)
    return [block for block in blocks if block.startswith("$ ensemble ")]


def run_session(block, folder):
    """Each command with the lines after it until the next command; returns (command, shown, got)."""
    parts = re.split(r"^\$ ", block, flags=re.M)[1:]
    for part in parts:
        command, _, shown = part.partition("\n")
        line = command.replace("ensemble", shlex.quote(BINARY), 1)
        result = subprocess.run(line, shell=True, cwd=folder, capture_output=True, text=True)
        yield command, shown, result.stdout + result.stderr


def test_readme_sessions_print_what_they_show(tmp_path):
    os.symlink(FIXTURES, tmp_path / "fixtures")
    found = sessions()
    assert len(found) >= 2
    for block in found:
        for command, shown, got in run_session(block, tmp_path):
            assert got == shown, f"README: `{command}` prints:\n{got}\nbut the README shows:\n{shown}"
