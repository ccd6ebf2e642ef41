"""`make security-report`: run the security suite, then summarise reports/security.json into the README.

Each figure is recorded by the test that measures it (fixture `security_figures` in conftest.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "security.json"
START, END = "<!-- security:start -->", "<!-- security:end -->"


def run_suite() -> int:
    if REPORT.exists():
        REPORT.unlink()
    # The report fuzzes harder than the normal suite: 100 examples per operation and role.
    env = dict(
        os.environ,
        REDLINE_SECURITY_REPORT=str(REPORT),
        REDLINE_FUZZ_EXAMPLES=os.environ.get("REDLINE_FUZZ_EXAMPLES", "100"),
    )
    return subprocess.call(
        [sys.executable, "-m", "pytest", "-q", "-m", "security or not browser"], cwd=ROOT, env=env
    )


def _cell(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if k not in ("goal", "met"))
    return str(value)


def table(figures: dict) -> str:
    lines = ["| figure | measured | target | met |", "| --- | --- | --- | --- |"]
    for name in sorted(figures):
        figure = figures[name]
        goal = figure.get("goal", "") if isinstance(figure, dict) else ""
        met = figure.get("met", "") if isinstance(figure, dict) else ""
        lines.append(
            f"| {name} | {_cell(figure)} | {goal} | {'yes' if met is True else 'no' if met is False else ''} |"
        )
    return "\n".join(lines)


def update_readme(markdown: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(f"{head}{START}\n{markdown}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    status = run_suite() if "--no-run" not in sys.argv else 0
    figures = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {}
    markdown = table(figures)
    print(markdown)
    update_readme(markdown)
    return status


if __name__ == "__main__":
    sys.exit(main())
