"""What an enterprise import answers: its counts and its row errors (registry.importer for the 企业 sheet,
registry.ledger_import for the file's ledger sheets)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RowError:
    row: int
    field: str
    message: str
    sheet: str = ""  # a ledger sheet's title as the file has it; blank for the enterprises' own sheet

    def as_dict(self) -> dict:
        # An error of the enterprises' sheet keeps the shape API.md fixes; a ledger sheet's names its sheet.
        body = {"row": self.row, "field": self.field, "message": self.message}
        if self.sheet:
            body["sheet"] = self.sheet
        return body


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    rows: int = 0
    # R-REG-4: the rows of the file's ledger sheets, and those of them added to or corrected in a file.
    ledger_rows: int = 0
    ledger_created: int = 0
    ledger_updated: int = 0

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "errors": [e.as_dict() for e in self.errors],
            "dry_run": self.dry_run,
            "rows": self.rows,
            "ledger_rows": self.ledger_rows,
            "ledger_created": self.ledger_created,
            "ledger_updated": self.ledger_updated,
        }

    @property
    def writes(self) -> int:
        return self.created + self.updated + self.ledger_created + self.ledger_updated

    @classmethod
    def from_summary(cls, summary: dict) -> ImportResult:
        """The result a finished job kept (a job finished before the ledger sheets were read has no counts of
        them)."""
        return cls(
            created=summary["created"],
            updated=summary["updated"],
            errors=[RowError(**e) for e in summary["errors"]],
            dry_run=summary["dry_run"],
            rows=summary["rows"],
            ledger_rows=summary.get("ledger_rows", 0),
            ledger_created=summary.get("ledger_created", 0),
            ledger_updated=summary.get("ledger_updated", 0),
        )
