"""Issue 18: the movie page's source badge names a value's language when it is not the user's."""

from __future__ import annotations

from typing import Any

from metarr_desktop.services.movie_fields import FieldDetail
from metarr_desktop.ui.movie.models import FieldsModel


def test_the_badge_names_a_foreign_language(qtbot: Any, qtmodeltester: Any) -> None:
    model = FieldsModel()
    model.names = {"tmdb": "TMDB", "omdb": "OMDb"}
    model.preferred_language = "de-DE"
    model.details = {
        "plot": FieldDetail("plot", "Ein Hacker …", "tmdb", False, language="de-DE"),
        "tagline": FieldDetail("tagline", "Free your mind.", "tmdb", False, language="en-US"),
        "outline": FieldDetail("outline", "A hacker.", "omdb", False, language="en"),
        "original_title": FieldDetail("original_title", "The Matrix", "tmdb", False, language="en"),
        "runtime": FieldDetail("runtime", 136, "omdb", False),
    }

    def badge(name: str) -> str:
        return str(model.index(model.row_of(name), FieldsModel.SOURCE).data())

    assert badge("plot") == "TMDB"
    assert badge("tagline") == "TMDB · en-US"
    assert badge("outline") == "OMDb · en"
    assert badge("original_title") == "TMDB"  # in the original language by definition
    assert badge("runtime") == "OMDb"
    model.preferred_language = "en-US"
    assert badge("tagline") == "TMDB"
    qtmodeltester.check(model)
