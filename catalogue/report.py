"""The validation report: every problem found in an upload, as a code and its parameters, with where it is.

The message is worded when it is shown, in the page's language (catalogue.error_codes.issue_text), so a
stored report never freezes a wording. Reports stored before that carry message_sv / message_en instead;
Issue still reads them and issue_text falls back to them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from catalogue.error_codes import issue_text, issue_texts

ERROR = "error"
WARNING = "warning"

# Stage that found the problem.
SOURCE_FILE = "file"
SOURCE_XSD = "xsd"
SOURCE_HUB = "hub"
SOURCE_PEPPOL = "peppol"

MAX_STORED_ISSUES = 1000


@dataclass
class Issue:
    severity: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)  # the code's wording parameters (JSON values)
    source: str = SOURCE_HUB
    line: int | None = None  # XML line or spreadsheet row
    column: str | None = None  # spreadsheet column heading (and letter)
    element: str | None = None  # XML element or XPath location
    rule: str | None = None  # official rule id, e.g. PEPPOL-T19-R012
    # Only in reports stored before codes and parameters were kept: the texts frozen then.
    message_sv: str | None = None
    message_en: str | None = None

    @property
    def message(self) -> str:
        """The message in the active language."""
        return issue_text(self)

    def message_in_both_languages(self) -> str:
        """For command-line output, which has no page language: "svenska / English" (once if they agree)."""
        return " / ".join(dict.fromkeys(text for text in issue_texts(self).values() if text))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for legacy in ("message_sv", "message_en"):
            if data[legacy] is None:
                del data[legacy]
        return data

    def where(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"rad/line {self.line}")
        if self.column:
            parts.append(f"kolumn/column {self.column}")
        if self.element:
            parts.append(self.element)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        tag = self.rule or self.code
        return f"[{self.severity.upper()} {tag}]{' ' + where + ':' if where else ''} {self.message_in_both_languages()}"


ISSUE_FIELDS = frozenset(Issue.__dataclass_fields__)


def json_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the JSON report stores them: numbers and text stay, dates and decimals become text."""
    stored: dict[str, Any] = {}
    for key, value in params.items():
        stored[key] = value if value is None or isinstance(value, (bool, int, float, str)) else str(value)
    return stored


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    dropped: int = 0
    stages: list[str] = field(default_factory=list)

    def add(
        self,
        severity: str,
        code: str,
        *,
        source: str = SOURCE_HUB,
        line: int | None = None,
        column: str | None = None,
        element: str | None = None,
        rule: str | None = None,
        **params: Any,
    ) -> Issue:
        issue = Issue(severity, code, json_params(params), source, line, column, element, rule)
        self.append(issue)
        return issue

    def error(self, code: str, **kwargs: Any) -> Issue:
        return self.add(ERROR, code, **kwargs)

    def warning(self, code: str, **kwargs: Any) -> Issue:
        return self.add(WARNING, code, **kwargs)

    def append(self, issue: Issue) -> None:
        self.counts[issue.severity] += 1
        # Keep the stored report bounded; the counts stay exact.
        if len(self.issues) < MAX_STORED_ISSUES:
            self.issues.append(issue)
        else:
            self.dropped += 1

    @property
    def error_count(self) -> int:
        return self.counts[ERROR]

    @property
    def warning_count(self) -> int:
        return self.counts[WARNING]

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def codes(self) -> list[str]:
        return [i.code for i in self.issues]

    def to_dict(self) -> dict[str, Any]:
        return {
            "errors": self.error_count,
            "warnings": self.warning_count,
            "dropped": self.dropped,
            "stages": list(self.stages),
            "issues": [i.to_dict() for i in self.issues],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        report = cls(stages=list(data.get("stages", [])), dropped=data.get("dropped", 0))
        report.issues = [Issue(**{k: v for k, v in i.items() if k in ISSUE_FIELDS}) for i in data.get("issues", [])]
        report.counts = Counter({ERROR: data.get("errors", 0), WARNING: data.get("warnings", 0)})
        return report

    def render(self) -> str:
        lines = [str(i) for i in self.issues]
        if self.dropped:
            lines.append(f"… {self.dropped} fler / more")
        return "\n".join(lines)
