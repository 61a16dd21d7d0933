"""The validation report: every problem found in an upload, in Swedish and English, with where it is."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from catalogue.error_codes import describe

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
    message_sv: str
    message_en: str
    source: str = SOURCE_HUB
    line: int | None = None  # XML line or spreadsheet row
    column: str | None = None  # spreadsheet column heading (and letter)
    element: str | None = None  # XML element or XPath location
    rule: str | None = None  # official rule id, e.g. PEPPOL-T19-R012

    @property
    def message(self) -> str:
        return f"{self.message_sv} / {self.message_en}"

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
        return f"[{self.severity.upper()} {tag}]{' ' + where + ':' if where else ''} {self.message}"


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
        sv, en = describe(code, **params)
        issue = Issue(severity, code, sv, en, source, line, column, element, rule)
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
            "issues": [asdict(i) for i in self.issues],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        report = cls(stages=list(data.get("stages", [])), dropped=data.get("dropped", 0))
        report.issues = [Issue(**i) for i in data.get("issues", [])]
        report.counts = Counter({ERROR: data.get("errors", 0), WARNING: data.get("warnings", 0)})
        return report

    def render(self) -> str:
        lines = [str(i) for i in self.issues]
        if self.dropped:
            lines.append(f"… {self.dropped} fler / more")
        return "\n".join(lines)
