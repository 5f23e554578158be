"""The one mapping between an assignment's flat columns and its nested values: deadline, money, target.

Columns are flat (`deadline_text`, `amount_min_sek`, `target_indicator` …) so that they can be
indexed and filtered; the API, history and reports show them nested. Reading goes through
`deadline_of`, `money_of` and `target_of`, which take the column values (so that a report can use
them on a row as well as on a model); writing through `write_money` and `write_target`.
"""

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from app.assignments.models import Assignment


def deadline_of(
    text: str | None, earliest: date | None, latest: date | None, precision: str | None
) -> dict[str, Any]:
    return {"text": text, "earliest": earliest, "latest": latest, "precision": precision}


def money_of(
    min_sek: int | None, max_sek: int | None, year: int | None, text: str | None
) -> dict[str, Any] | None:
    """An amount or a range in SEK; None when there is no amount. A single amount has max = min."""
    if min_sek is None:
        return None
    return {
        "min_sek": min_sek,
        "max_sek": min_sek if max_sek is None else max_sek,
        "year": year,
        "text": text,
    }


def target_of(
    indicator: str | None, value: Decimal | None, unit: str | None, year: int | None
) -> dict[str, Any] | None:
    """A measurable target; None when there is no indicator."""
    if not indicator:
        return None
    return {"indicator": indicator, "value": value, "unit": unit, "year": year}


def nested_values(assignment: Assignment) -> dict[str, Any]:
    """The assignment's deadline, money and target, nested."""
    return {
        "deadline": deadline_of(
            assignment.deadline_text,
            assignment.deadline_earliest,
            assignment.deadline_latest,
            assignment.deadline_precision,
        ),
        "money": money_of(
            assignment.amount_min_sek,
            assignment.amount_max_sek,
            assignment.amount_year,
            assignment.amount_text,
        ),
        "target": target_of(
            assignment.target_indicator,
            assignment.target_value,
            assignment.target_unit,
            assignment.target_year,
        ),
    }


class MoneyInput(Protocol):
    @property
    def min_sek(self) -> int: ...
    @property
    def max_sek(self) -> int: ...
    @property
    def year(self) -> int | None: ...
    @property
    def text(self) -> str | None: ...


class TargetInput(Protocol):
    @property
    def indicator(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...


def money_columns(money: MoneyInput | None) -> dict[str, Any]:
    """The flat columns of an amount (all None without one): of an assignment or a draft."""
    return {
        "amount_min_sek": money.min_sek if money else None,
        "amount_max_sek": money.max_sek if money else None,
        "amount_year": money.year if money else None,
        "amount_text": money.text if money else None,
    }


def target_columns(target: TargetInput | None) -> dict[str, Any]:
    """The flat columns of a target (all None without one): of an assignment or a draft."""
    return {
        "target_indicator": target.indicator if target else None,
        "target_value": target.value if target else None,
        "target_unit": target.unit if target else None,
        "target_year": target.year if target else None,
    }


def write_columns(row: object, columns: dict[str, Any]) -> None:
    for name, value in columns.items():
        setattr(row, name, value)


def write_money(assignment: Assignment, money: MoneyInput | None) -> None:
    write_columns(assignment, money_columns(money))


def write_target(assignment: Assignment, target: TargetInput | None) -> None:
    write_columns(assignment, target_columns(target))
