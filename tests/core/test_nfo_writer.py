"""The NFO writer: what Kodi's and Jellyfin's rules read from it, round trips, and unsafe input."""

from __future__ import annotations

import hashlib
import re
import string
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from metarr_desktop.core.nfo import parse_nfo
from metarr_desktop.core.nfo_writer import DECLARATION
from metarr_desktop.core.nfo_writer import MANAGED_TAGS
from metarr_desktop.core.nfo_writer import NFO_FORMAT
from metarr_desktop.core.nfo_writer import NfoActor
from metarr_desktop.core.nfo_writer import NfoMovie
from metarr_desktop.core.nfo_writer import NfoRating
from metarr_desktop.core.nfo_writer import NfoWriteError
from metarr_desktop.core.nfo_writer import erasable_tags
from metarr_desktop.core.nfo_writer import format_number
from metarr_desktop.core.nfo_writer import merge_nfo
from metarr_desktop.core.nfo_writer import movie_from_fields
from metarr_desktop.core.nfo_writer import read_nfo_movie
from metarr_desktop.core.nfo_writer import render_nfo
from metarr_desktop.core.nfo_writer import source_hash
from metarr_desktop.core.nfo_writer import trailer_value
from metarr_desktop.core.nfo_writer import unmanaged_tags
from metarr_desktop.core.nfo_writer import write_nfo
from tests.helpers.nfo_players import jellyfin_read
from tests.helpers.nfo_players import kodi_read

FIELDS: dict[str, Any] = {
    "title": "Inception",
    "original_title": "Inception",
    "plot": "A thief who steals corporate secrets through dream-sharing technology.",
    "year": 2010,
    "release_date": "2010-07-15",
    "runtime": 148,
    "content_rating": "PG-13",
    "genres": ["Action", "Science Fiction"],
    "countries": ["United States", "United Kingdom"],
    "studios": ["Syncopy"],
    "directors": ["Christopher Nolan"],
    "writers": ["Christopher Nolan"],
    "collection": {"name": "Dream Films", "overview": "Films about dreams."},
    "cast": [{"name": "Leonardo DiCaprio", "role": "Dom Cobb", "order": 0, "thumb": "https://x/leo.jpg"}],
    "trailer": "https://www.youtube.com/watch?v=YoHD9XEInc0",
    "imdb_id": "tt1375666",
    "tmdb_id": 27205,
    "tvdb_id": 700003,
    "imdb_rating": 8.8,
    "imdb_votes": 2600000,
    "tmdb_rating": 8.369,
    "tmdb_votes": 37000,
    "rotten_tomatoes_score": 87,
    "metacritic_score": 74,
}


def test_the_projects_reader_and_both_players_rules_agree() -> None:
    data = render_nfo(movie_from_fields(FIELDS))
    own = parse_nfo(data.decode("utf-8"))
    kodi = kodi_read(data)
    jellyfin = jellyfin_read(data)
    ours = read_nfo_movie(data)

    assert own.ids.imdb == kodi.ids["imdb"] == jellyfin.ids["imdb"] == "tt1375666"
    assert own.ids.tmdb == int(kodi.ids["tmdb"]) == int(jellyfin.ids["tmdb"]) == 27205
    assert own.ids.tvdb == int(kodi.ids["tvdb"]) == int(jellyfin.ids["tvdb"]) == 700003
    assert kodi.default_id == "imdb"
    assert own.title == kodi.title == jellyfin.title == ours.title == "Inception"
    assert own.year == kodi.year == jellyfin.year == ours.year == 2010
    # Kodi takes the default rating, Jellyfin the last one: both show IMDb's 8.8.
    assert kodi.rating == jellyfin.rating == 8.8
    assert jellyfin.critic_rating == 87
    assert kodi.plot == jellyfin.plot == ours.plot == FIELDS["plot"]
    assert jellyfin.trailer == kodi.trailer == "plugin://plugin.video.youtube/play/?video_id=YoHD9XEInc0"


def test_the_document_has_the_declaration_and_the_players_tags() -> None:
    text = render_nfo(movie_from_fields(FIELDS)).decode("utf-8")
    assert text.startswith(DECLARATION + "\n<movie>")
    assert "<mpaa>PG-13</mpaa>" in text and "certification" not in text
    assert "<runtime>148</runtime>" in text and "<premiered>2010-07-15</premiered>" in text
    assert text.count("<genre>") == 2 and text.count("<country>") == 2
    assert (
        "<set>\n    <name>Dream Films</name>\n    <overview>Films about dreams.</overview>\n  </set>" in text
    )
    assert "<credits>Christopher Nolan</credits>" in text and "<director>Christopher Nolan</director>" in text
    assert "<id>tt1375666</id>" in text
    assert (
        "<actor>\n    <name>Leonardo DiCaprio</name>\n    <role>Dom Cobb</role>\n    <order>0</order>\n"
        "    <thumb>https://x/leo.jpg</thumb>\n  </actor>" in text
    )
    assert text.count('default="true"') == 2  # one uniqueid, one rating


def test_exactly_one_default_id_imdb_first_then_tmdb_and_never_an_empty_one() -> None:
    no_imdb = render_nfo(movie_from_fields({**FIELDS, "imdb_id": None})).decode()
    assert '<uniqueid type="tmdb" default="true">27205</uniqueid>' in no_imdb
    assert "<id>" not in no_imdb and 'type="imdb"' not in no_imdb
    assert no_imdb.count('<uniqueid type="tvdb">') == 1
    assert len(re.findall(r'<uniqueid type="[a-z]+" default="true">', no_imdb)) == 1
    empty = render_nfo(movie_from_fields({"title": "X", "imdb_id": "  "})).decode()
    assert "uniqueid" not in empty and "<id>" not in empty


def test_the_preferred_rating_is_last_and_default_for_both_players() -> None:
    movie = movie_from_fields(FIELDS, preferred_rating="tmdb")
    data = render_nfo(movie)
    assert kodi_read(data).rating == jellyfin_read(data).rating == 8.369
    only_scores = render_nfo(movie_from_fields({"title": "X", "metacritic_score": 60, "imdb_rating": 7.1}))
    assert kodi_read(only_scores).rating == jellyfin_read(only_scores).rating == 7.1


def test_numbers_use_a_dot_whatever_the_locale() -> None:
    assert format_number(8.25) == "8.25"
    assert format_number(7.0) == "7"
    assert format_number(6.66666) == "6.6667"


@pytest.mark.parametrize(
    ("trailer", "written"),
    [
        (
            "https://www.youtube.com/watch?v=YoHD9XEInc0",
            "plugin://plugin.video.youtube/play/?video_id=YoHD9XEInc0",
        ),
        ("https://youtu.be/YoHD9XEInc0", "plugin://plugin.video.youtube/play/?video_id=YoHD9XEInc0"),
        (
            "plugin://plugin.video.youtube/?action=play_video&videoid=YoHD9XEInc0",
            "plugin://plugin.video.youtube/play/?video_id=YoHD9XEInc0",
        ),
        ("https://vimeo.com/12345", "https://vimeo.com/12345"),
    ],
)
def test_trailers_in_the_form_jellyfin_reads(trailer: str, written: str) -> None:
    assert trailer_value(trailer) == written


def test_control_characters_never_reach_the_xml() -> None:
    data = render_nfo(movie_from_fields({"title": "Bad\x00Title\x1b[31m", "plot": "a & b < c"}))
    assert read_nfo_movie(data).title == "BadTitle[31m"
    assert read_nfo_movie(data).plot == "a & b < c"


FOREIGN = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- written by tinyMediaManager -->
<movie>
  <title>Old title</title>
  <userrating>9</userrating>
  <rating>5.5</rating>
  <plot>A plot someone wrote.</plot>
  <fileinfo><streamdetails><video><codec>h264</codec></video></streamdetails></fileinfo>
  <genre>Drama</genre>
  <genre>Thriller</genre>
  <tag>favourites</tag>
  <watched>true</watched>
</movie>
https://www.imdb.com/title/tt1375666/
"""


def test_unknown_tags_survive_a_rewrite_in_place() -> None:
    merged = merge_nfo(FOREIGN, movie_from_fields(FIELDS))
    assert unmanaged_tags(merged) == unmanaged_tags(FOREIGN) == ["userrating", "fileinfo", "tag", "watched"]
    text = merged.decode()
    assert "<!-- written by tinyMediaManager -->" not in text  # a comment before the root is outside it
    assert "<codec>h264</codec>" in text and "<tag>favourites</tag>" in text
    order = [line.strip().split(">")[0] + ">" for line in text.splitlines()[2:] if line.startswith("  <")]
    assert (
        order.index("<userrating>")
        < order.index("<plot>")
        < order.index("<fileinfo>")
        < order.index("<genre>")
    )
    assert order.index("<genre>") < order.index("<tag>") < order.index("<watched>")
    assert "<rating>5.5</rating>" not in text  # the legacy rating would win Jellyfin's last-wins
    assert read_nfo_movie(merged).genres == ("Action", "Science Fiction")
    assert read_nfo_movie(merged).title == "Inception"


def test_a_managed_tag_metarr_has_no_value_for_keeps_what_was_there() -> None:
    merged = merge_nfo(FOREIGN, movie_from_fields({"title": "Inception"}))
    assert read_nfo_movie(merged).plot == "A plot someone wrote."
    assert read_nfo_movie(merged).genres == ("Drama", "Thriller")


def test_an_erased_tag_metarr_has_no_value_for_goes_with_every_element_of_it() -> None:
    merged = merge_nfo(FOREIGN, movie_from_fields({"title": "Inception"}), erase={"plot", "genre"})
    back = read_nfo_movie(merged)
    assert back.plot is None and back.genres == () and back.title == "Inception"
    assert unmanaged_tags(merged) == unmanaged_tags(FOREIGN)
    assert write_nfo(movie_from_fields({"title": "Inception"}), FOREIGN, {"plot", "genre"}) == merged


def test_an_erased_tag_metarr_has_a_value_for_is_replaced_as_before() -> None:
    movie = movie_from_fields(FIELDS)
    assert merge_nfo(FOREIGN, movie, erase=MANAGED_TAGS) == merge_nfo(FOREIGN, movie)


def test_metarr_may_erase_every_managed_tag_of_an_nfo_it_created() -> None:
    assert erasable_tags(render_nfo(movie_from_fields(FIELDS)), None) == MANAGED_TAGS


def test_of_an_adopted_nfo_metarr_may_erase_only_what_is_not_the_backups_own() -> None:
    backup = b"<movie><title>Mine</title>\n<plot>  Their plot. </plot><tag>x</tag></movie>"
    merged = merge_nfo(backup, movie_from_fields({"title": "Inception", "tagline": "Ours."}))
    assert erasable_tags(merged, backup) == {"title", "tagline"}  # their plot, re-indented, is theirs
    assert erasable_tags(merged, b"not xml") == frozenset()


def test_merging_is_idempotent() -> None:
    movie = movie_from_fields(FIELDS)
    once = merge_nfo(FOREIGN, movie)
    assert merge_nfo(once, movie) == once
    fresh = render_nfo(movie)
    assert merge_nfo(fresh, movie) == fresh


def test_comments_inside_the_movie_survive() -> None:
    merged = merge_nfo(b"<movie><!-- keep me --><title>x</title></movie>", movie_from_fields(FIELDS))
    assert b"<!-- keep me -->" in merged


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE movie [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<movie><title>&b;</title></movie>",
        b'<?xml version="1.0"?><!DOCTYPE movie [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<movie><title>&x;</title></movie>",
        b"<movie><title>unclosed</movie>",
        b"<tvshow><title>not a movie</title></tvshow>",
        b"https://www.imdb.com/title/tt1375666/",
    ],
)
def test_unsafe_or_foreign_documents_are_refused(document: bytes) -> None:
    with pytest.raises(NfoWriteError):
        merge_nfo(document, movie_from_fields(FIELDS))


# -- hypothesis: write, read back -------------------------------------------------------------------

_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
_names = st.lists(_text, max_size=4, unique=True).map(tuple)
_rating = st.builds(
    NfoRating,
    source=st.sampled_from(["imdb", "tmdb"]),
    value=st.integers(0, 100).map(lambda n: n / 10),
    max=st.just(10),
    votes=st.none() | st.integers(0, 10**7),
)
_movies = st.builds(
    NfoMovie,
    title=_text,
    original_title=st.none() | _text,
    sort_title=st.none() | _text,
    plot=st.none() | _text,
    outline=st.none() | _text,
    tagline=st.none() | _text,
    runtime=st.none() | st.integers(1, 600),
    premiered=st.none() | st.dates().map(lambda d: d.isoformat()),
    year=st.none() | st.integers(1880, 2100),
    mpaa=st.none() | _text,
    genres=_names,
    countries=_names,
    studios=_names,
    directors=_names,
    credits=_names,
    set_name=st.none() | _text,
    actors=st.lists(
        st.builds(NfoActor, name=_text, role=st.none() | _text, order=st.none() | st.integers(0, 99)),
        max_size=3,
    ).map(tuple),
    trailer=st.none()
    | st.text(string.ascii_letters + string.digits + "_-", min_size=11, max_size=11).map(
        lambda v: "plugin://plugin.video.youtube/play/?video_id=" + v
    ),
    imdb_id=st.none() | st.integers(1000000, 99999999).map(lambda n: f"tt{n:07d}"),
    tmdb_id=st.none() | st.integers(1, 10**7),
    tvdb_id=st.none() | st.integers(1, 10**7),
    ratings=st.lists(_rating, max_size=2, unique_by=lambda r: r.source).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(_movies)
def test_write_then_read_returns_the_values(movie: NfoMovie) -> None:
    back = read_nfo_movie(render_nfo(movie))
    assert (back.ratings and set(back.ratings) == set(movie.ratings)) or not movie.ratings
    expected_preferred = movie.preferred_rating
    if movie.ratings and not any(r.source == movie.preferred_rating for r in movie.ratings):
        expected_preferred = movie.ratings[0].source
    if movie.ratings:
        assert back.preferred_rating == expected_preferred
    compare = {"ratings": (), "preferred_rating": "imdb"}
    assert NfoMovie(**{**_fields(back), **compare}) == NfoMovie(**{**_fields(movie), **compare})


def _fields(movie: NfoMovie) -> dict[str, Any]:
    return {name: getattr(movie, name) for name in NfoMovie.__dataclass_fields__}


#: What `render_nfo` and `merge_nfo` give for `FIELDS` at `NFO_FORMAT` 2 (as at 1: format 2 changed
#: only what a merge does with `erase`, which this document does not use).
FORMAT_2 = (
    "589e85ff86bc44cdb23316c76fc9175c9a637171c755a99fc99003433590f3d1",
    "f62a0579e704f3ff6a1768d99deb4c8f72f7b136cf69c1d3de2488631b64bcad",
)


def test_the_writers_output_changes_only_with_its_format_version() -> None:
    """A publish trusts an NFO it wrote from the same `source_hash`: when the writer's bytes change,
    bump `NFO_FORMAT` (so every NFO is rendered again) and record the new hashes here."""
    movie = movie_from_fields(FIELDS)
    rendered = hashlib.sha256(render_nfo(movie)).hexdigest()
    merged = hashlib.sha256(merge_nfo(b"<movie><title>x</title><watched>true</watched></movie>", movie))
    assert NFO_FORMAT == 2 and (rendered, merged.hexdigest()) == FORMAT_2, "bump NFO_FORMAT"


def test_the_source_hash_follows_every_input() -> None:
    movie = movie_from_fields(FIELDS)
    assert source_hash(movie) == source_hash(movie_from_fields(dict(FIELDS)))
    assert source_hash(movie) != source_hash(movie_from_fields({**FIELDS, "plot": "Another."}))
    assert source_hash(movie) != source_hash(movie_from_fields(FIELDS, preferred_rating="tmdb"))
