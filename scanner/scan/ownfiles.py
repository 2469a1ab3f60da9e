"""Files noticelint itself wrote (baselines, JSON and SARIF reports, the records of its cache
folder), known by their content.

They quote the code they report on, so scanning them would report the findings again, and a
fixer would rewrite them; whatever their names, they are skipped.
"""

from __future__ import annotations

import json

# Not `typing.TYPE_CHECKING`: a hook's quick answer imports this module, and typing is
# not otherwise on its way (importing it costs a tenth of the answer).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TOOL = "noticelint"
# What every record of the cache folder holds (`fastpath.write_record`).
_RECORD = '"digest"'


def written_by_noticelint(text: str) -> str | None:
    """What kind of noticelint output the text is (`baseline`, `JSON report`, `SARIF
    report`, `cache record`), or None for any other file."""
    head = text.lstrip()[:1]
    if head != "{" or ('"findings"' not in text and '"runs"' not in text and _RECORD not in text):
        return None
    try:
        document: Any = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    findings = document.get("findings")
    if document.get("tool") == TOOL and {"signature", "content", "digest"} <= document.keys():
        return "cache record"  # `fastpath.write_record`'s
    if document.get("tool") == TOOL:
        return "baseline" if "fingerprint" in text and "summary" not in document else "JSON report"
    if isinstance(findings, list) and isinstance(document.get("summary"), dict):
        return "JSON report" if "as_of" in document["summary"] else None
    if (
        isinstance(findings, list)
        and findings
        and all(
            isinstance(entry, dict) and {"code", "path", "fingerprint"} <= entry.keys()
            for entry in findings
        )
    ):
        return "baseline"
    runs = document.get("runs")
    if isinstance(runs, list) and any(_sarif_tool(run) == TOOL for run in runs):
        return "SARIF report"
    return None


def _sarif_tool(run: Any) -> str | None:
    try:
        name = run["tool"]["driver"]["name"]
    except (KeyError, TypeError):
        return None
    return name if isinstance(name, str) else None
