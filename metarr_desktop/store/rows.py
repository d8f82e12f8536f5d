"""Reading a row into a record and writing a row by its unique key, for the repositories."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

import peewee as pw

from metarr_desktop.store.models import EntityModel

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def record_of(record_type: type[R], row: pw.Model, **values: Any) -> R:
    """The `record_type` dataclass of a row: each field is the row's column of the same name, but for
    those given in `values` (a renamed or converted column)."""
    for spec in dataclasses.fields(record_type):
        if spec.name not in values:
            values[spec.name] = getattr(row, spec.name)
    return record_type(**values)


def entities_query(model: type[EntityModel], count: int, *columns: Any) -> Any:
    """The `columns` (None: all) of `model`'s rows of one entity type and `count` entity ids: a
    statement to build once per count (`store.sql.Statements`) and run with the entity type and
    the ids as its parameters."""
    return model.select(*columns).where((model.entity_type == "") & model.entity_id.in_([0] * count))


def upsert(
    model: type[pw.Model], values: Mapping[str, Any], *, key: Sequence[str], insert_only: Sequence[str] = ()
) -> None:
    """Insert a row of `values` (column name -> value), or, when a row with the same `key` (a unique
    key) exists, write into it every value but those of the key and of `insert_only`."""
    kept = {*key, *insert_only}
    model.insert(**values).on_conflict(
        conflict_target=[getattr(model, name) for name in key],
        update={getattr(model, name): value for name, value in values.items() if name not in kept},
    ).execute()
