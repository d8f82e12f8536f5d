"""Configuration services: seeding, validation (nothing half-applied), live application, keys,
field authority, and rate-limit state surviving a restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from metarr_desktop.core.authority import AuthorityError
from metarr_desktop.core.authority import default_authority
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.services.config import ConfigError
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.config import UnknownProviderError
from metarr_desktop.services.context import AppServices
from metarr_desktop.store.secrets import SERVICE
from metarr_desktop.store.secrets import KeyStorage
from metarr_desktop.store.secrets import SecretStoreError
from tests.helpers.fake_keyring import BrokenKeyring
from tests.helpers.fake_keyring import CountingKeyring
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.fake_keyring import ReadOnlyKeyring
from tests.helpers.fake_services import BrokenClient
from tests.helpers.fake_services import FakePlugin
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import fake_registry
from tests.helpers.fixtures import Opener

IDS = ExternalIds(tmdb=27205, imdb="tt1375666")
KEY = "K3y-that-must-never-leak-42"


def table(services: AppServices) -> list[tuple[str, int, bool]]:
    return [(v.id, v.config.priority, v.config.enabled) for v in services.providers.all()]


def test_first_start_seeds_the_providers_and_the_field_authorities(services: AppServices) -> None:
    assert table(services) == [("omdb", 1, True), ("tmdb", 2, True), ("tvdb", 3, True), ("fanart", 4, True)]
    assert services.authority.get() == default_authority()
    assert [r.settings.priority for r in services.pool.all()] == [1, 2, 3, 4]


async def test_the_real_providers_are_seeded_with_their_real_limits(open_services: Opener) -> None:
    services = open_services(registry=ProviderRegistry.default(load_plugins=False))
    views = {v.id: v.config for v in services.providers.all()}
    assert views["tmdb"].rate_limit == RateLimit(40, 1.0) and views["tmdb"].daily_quota is None
    assert views["tvdb"].rate_limit == RateLimit(30, 10.0)
    assert views["fanart"].rate_limit == RateLimit(10, 1.0)
    assert views["omdb"].daily_quota == 1000
    assert views["tmdb"].base_url == "https://api.themoviedb.org/3"
    assert [v.id for v in services.providers.all()] == ["omdb", "tmdb", "tvdb", "fanart"]


async def test_a_plugin_registered_later_is_appended_disabled(open_services: Opener) -> None:
    first = open_services()
    await first.aclose()
    services = open_services(registry=fake_registry(FakePlugin))
    assert table(services)[-1] == ("plugin", 5, False)
    assert services.authority.get().provider_priority == ["omdb", "tmdb", "tvdb", "fanart", "plugin"]
    assert not services.pool.get("plugin").settings.enabled


async def test_a_provider_that_cannot_start_is_reported_not_fatal(open_services: Opener) -> None:
    services = open_services(registry=fake_registry(BrokenClient))
    assert "broken" not in services.pool
    assert any("broken could not be started" in w for w in services.warnings)
    assert services.providers.get("broken").start_error is not None
    health = {h.id: h for h in services.providers.health()}
    assert health["broken"].status is HealthStatus.DISABLED  # plug-ins start disabled


async def test_changes_are_stored_and_applied_to_the_running_pool(
    open_services: Opener, services: AppServices
) -> None:
    await services.providers.update(
        "tvdb",
        ProviderUpdate(
            enabled=False, rate_limit=RateLimit(5, 2.0), daily_quota=50, priority=1, user_timeout_s=3.0
        ),
    )
    assert table(services) == [("tvdb", 1, False), ("omdb", 2, True), ("tmdb", 3, True), ("fanart", 4, True)]
    runtime = services.pool.get("tvdb")
    assert runtime.settings.enabled is False and runtime.settings.priority == 1
    assert runtime.gate.pacer is not None and runtime.gate.pacer.limit == RateLimit(5, 2.0)
    assert runtime.gate.quota.limit == 50
    assert runtime.settings.user_timeout_s == 3.0
    assert [r.id for r in services.pool.all()] == ["tvdb", "omdb", "tmdb", "fanart"]
    await services.providers.update("tvdb", ProviderUpdate(rate_limit=None, daily_quota=None, priority=4))
    assert services.pool.get("tvdb").gate.pacer is None
    assert table(services)[-1] == ("tvdb", 4, False)
    await services.aclose()
    reopened = open_services()
    assert table(reopened) == [("omdb", 1, True), ("tmdb", 2, True), ("fanart", 3, True), ("tvdb", 4, False)]


async def test_reorder_sets_the_whole_order(services: AppServices) -> None:
    await services.providers.reorder(["fanart", "tvdb", "tmdb", "omdb"])
    assert [v.id for v in services.providers.all()] == ["fanart", "tvdb", "tmdb", "omdb"]
    with pytest.raises(ConfigError):
        await services.providers.reorder(["fanart", "tvdb"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (ProviderUpdate(base_url="ftp://example.com"), "must start with http"),
        (ProviderUpdate(base_url="https://"), "has no host"),
        (ProviderUpdate(base_url="https://x.example/?a=1"), "query"),
        (ProviderUpdate(priority=0), "between 1 and 4"),
        (ProviderUpdate(priority=5), "between 1 and 4"),
        (ProviderUpdate(daily_quota=0), "daily quota"),
        (ProviderUpdate(api_key=""), "API key"),
        (ProviderUpdate(api_key="has space"), "API key"),
        (ProviderUpdate(api_key="k", clear_api_key=True), "not both"),
        (ProviderUpdate(user_timeout_s=-1.0), "user timeout"),
    ],
)
async def test_an_invalid_change_changes_nothing(
    services: AppServices, keyring_backend: MemoryKeyring, change: ProviderUpdate, message: str
) -> None:
    before = [v.config for v in services.providers.all()]
    settings_before = [(r.id, r.settings.enabled, r.settings.priority) for r in services.pool.all()]
    with pytest.raises(ConfigError, match=message):
        await services.providers.update("tmdb", change)
    assert [v.config for v in services.providers.all()] == before
    assert [(r.id, r.settings.enabled, r.settings.priority) for r in services.pool.all()] == settings_before
    assert keyring_backend.passwords == {}


async def test_every_broken_rule_is_reported_at_once(services: AppServices) -> None:
    with pytest.raises(ConfigError) as caught:
        await services.providers.update("tmdb", ProviderUpdate(base_url="nope", priority=9, daily_quota=-1))
    assert len(caught.value.problems) == 3


async def test_unknown_providers_are_bad_input(services: AppServices) -> None:
    with pytest.raises(UnknownProviderError, match="unknown provider 'imdb'"):
        await services.providers.update("imdb", ProviderUpdate(enabled=False))


async def test_a_new_key_goes_to_the_keyring_and_restarts_the_client_keeping_its_state(
    services: AppServices, keyring_backend: MemoryKeyring, fake_providers: FakeServices
) -> None:
    services.movies.add("Inception", ids=IDS)
    await services.cache.fetch_assets("movie", 1, IDS)
    old = services.pool.get("tmdb")
    await services.providers.update("tmdb", ProviderUpdate(api_key=KEY))
    assert keyring_backend.passwords[(SERVICE, "tmdb")] == KEY
    runtime = services.pool.get("tmdb")
    assert runtime.provider is not old.provider
    assert getattr(runtime.provider, "api_key", None) == KEY
    assert runtime.health.uptime_percent == 100.0 and runtime.gate.quota.requests_today == 1
    view = services.providers.get("tmdb")
    assert view.has_api_key and view.key_storage is KeyStorage.KEYRING
    assert KEY not in repr(view.to_json()) and KEY not in repr(runtime.provider)
    await services.providers.update("tmdb", ProviderUpdate(clear_api_key=True))
    assert not services.providers.get("tmdb").has_api_key


async def test_a_new_base_url_is_used_at_once(services: AppServices, fake_providers: FakeServices) -> None:
    await services.providers.update("tmdb", ProviderUpdate(base_url="http://tmdb.mirror.example/api/"))
    assert services.providers.get("tmdb").config.base_url == "http://tmdb.mirror.example/api"
    services.movies.add("Inception", ids=IDS)
    await services.cache.fetch_assets("movie", 1, IDS, providers=["tmdb"])
    assert str(fake_providers.requests[-1].url).startswith("http://tmdb.mirror.example/api/movie?")


async def test_a_keyring_failure_leaves_the_other_changes_undone(open_services: Opener) -> None:
    services = open_services(keyring_backend=ReadOnlyKeyring())
    with pytest.raises(SecretStoreError):
        await services.providers.update("tmdb", ProviderUpdate(enabled=False, api_key=KEY))
    assert services.providers.get("tmdb").config.enabled is True
    assert services.pool.get("tmdb").settings.enabled is True


async def test_the_key_never_reaches_the_database_file(
    open_services: Opener, tmp_path: Path, fake_providers: FakeServices
) -> None:
    for backend in (MemoryKeyring(), None):
        services = open_services(keyring_backend=backend or _fail_backend())
        await services.providers.update("omdb", ProviderUpdate(api_key=KEY))
        services.movies.add("Inception", ids=IDS)
        await services.cache.fetch_assets("movie", 1, IDS)
        files = list((tmp_path / "profile").glob("metarr.sqlite3*"))
        assert any(f.name.endswith("-wal") for f in files)
        for file in files:
            assert KEY.encode() not in file.read_bytes(), file.name
        await services.aclose()
    secrets_file = tmp_path / "profile" / "secrets.json"
    assert KEY in secrets_file.read_text()  # the fallback run stored it there, privately
    assert secrets_file.stat().st_mode & 0o077 == 0


def _fail_backend() -> object:
    import keyring.backends.fail

    return keyring.backends.fail.Keyring()


async def test_checking_a_key(services: AppServices, fake_providers: FakeServices) -> None:
    fake_providers.required_keys["tmdb"] = "good-key"
    assert (await services.providers.test_key("tmdb")).valid is False  # none set: no request
    assert fake_providers.count() == 0
    await services.providers.update("tmdb", ProviderUpdate(api_key="bad-key"))
    refused = await services.providers.test_key("tmdb")
    assert refused.valid is False and "refused" in refused.message
    await services.providers.update("tmdb", ProviderUpdate(api_key="good-key"))
    assert (await services.providers.test_key("tmdb")).valid is True
    assert fake_providers.count() == 2
    fanart = await services.providers.test_key("fanart")  # cannot search: asks for a known movie
    assert fanart.valid is True and "/movie" in fake_providers.requests[-1].url.path
    fake_providers.status["tvdb"] = 503
    unknown = await services.providers.test_key("tvdb")
    assert unknown.valid is None and "could not check" in unknown.message


async def test_field_authority_set_validates_everything_first(services: AppServices) -> None:
    custom = default_authority().to_json()
    custom["provider_priority"] = ["tmdb", "omdb", "tvdb", "fanart"]
    custom["field_authorities"]["tagline"] = {"providers": ["tvdb"], "exclusive": True}
    custom["fill_gaps"] = False
    services.authority.set_json(custom)
    assert services.authority.get().to_json() == custom
    for broken in (
        {**custom, "provider_priority": ["tmdb", "imdb"]},
        {**custom, "field_authorities": {"colour": {"providers": ["tmdb"], "exclusive": False}}},
        {**custom, "field_authorities": {"plot": {"providers": "tmdb"}}},
        {**custom, "fill_gaps": "yes"},
        [1, 2, 3],
    ):
        with pytest.raises(AuthorityError):
            services.authority.set_json(broken)
        assert services.authority.get().to_json() == custom
    assert services.authority.reset() == default_authority()


async def test_a_provider_out_of_quota_stays_skipped_after_a_restart_until_its_reset(
    open_services: Opener, services: AppServices, fake_providers: FakeServices, clock: VirtualClock
) -> None:
    await services.providers.update("omdb", ProviderUpdate(daily_quota=1))
    services.movies.add("Inception", ids=IDS)
    services.movies.add("Heat", ids=ExternalIds(tmdb=949))
    await services.cache.fetch_assets("movie", 1, IDS, providers=["omdb"])
    second = await services.cache.fetch_assets("movie", 2, ExternalIds(tmdb=949), providers=["omdb"])
    assert second.results.rate_limited == ["omdb"] and fake_providers.counts()["omdb"] == 1
    await services.aclose()

    restarted = open_services()
    health = {h.id: h for h in restarted.providers.health()}
    assert health["omdb"].status is HealthStatus.RATE_LIMITED
    assert health["omdb"].requests_today == 1
    again = await restarted.cache.fetch_assets("movie", 2, ExternalIds(tmdb=949), providers=["omdb"])
    assert again.results.rate_limited == ["omdb"] and fake_providers.counts()["omdb"] == 1
    reset_at = health["omdb"].rate_limited_until
    assert reset_at is not None
    clock.advance((reset_at - clock.now()).total_seconds() + 1)
    after = await restarted.cache.fetch_assets("movie", 2, ExternalIds(tmdb=949), providers=["omdb"])
    assert after.results.completed == ["omdb"] and fake_providers.counts()["omdb"] == 2


async def test_health_and_an_open_circuit_survive_a_restart(
    open_services: Opener, services: AppServices, fake_providers: FakeServices, clock: VirtualClock
) -> None:
    fake_providers.status["tvdb"] = 500
    for tmdb in range(1, 6):  # five failed executions (of three attempts each) open the circuit
        movie = services.movies.add(f"M{tmdb}", ids=ExternalIds(tmdb=tmdb))
        await services.cache.fetch_assets("movie", movie.id, movie.ids, providers=["tvdb", "tmdb"])
    before = {h.id: h for h in services.providers.health()}
    assert before["tvdb"].auto_disabled and before["tmdb"].status is HealthStatus.HEALTHY
    await services.aclose()
    clock.advance(30)  # half of the first open period (60 s)

    restarted = open_services()
    after = {h.id: h for h in restarted.providers.health()}
    assert after["tvdb"].auto_disabled and after["tvdb"].status is HealthStatus.DOWN
    assert after["tmdb"].uptime_percent == 100.0 and after["tmdb"].last_request_at is not None
    breaker = restarted.pool.get("tvdb").breaker
    assert breaker.seconds_until_probe() == pytest.approx(30.0)  # the time already passed counts


async def test_routine_state_is_saved_at_most_every_few_seconds_and_on_close(
    services: AppServices, clock: VirtualClock
) -> None:
    repository = services.rate_state._repository
    services.movies.add("Inception", ids=IDS)
    await services.cache.fetch_assets("movie", 1, IDS, providers=["tmdb"])
    first = repository.get("tmdb")
    assert first is not None and first.requests_today == 1  # the first notice and the flush after the fetch
    assert first.runtime_state is not None and first.reset_at is None and first.consecutive_rate_limits == 0
    assert services.rate_state.rate_limited_until("tmdb") is None
    clock.advance(timedelta(hours=1).total_seconds())
    services.cache.invalidate("movie", 1)
    await services.cache.fetch_assets("movie", 1, IDS, providers=["tmdb"])
    record = repository.get("tmdb")
    assert record is not None and record.requests_today == 2


async def test_an_unreadable_keyring_does_not_stop_the_app(open_services: Opener) -> None:
    services = open_services(keyring_backend=BrokenKeyring())
    assert [v.has_api_key for v in services.providers.all()] == [False] * 4
    assert len(services.pool.all()) == 4


def test_provider_names_never_touch_the_keyring(open_services: Opener) -> None:
    backend = CountingKeyring()
    services = open_services(keyring_backend=backend)
    services.providers.all()
    assert backend.reads > 0  # a provider's view reads its key
    before = backend.reads
    names = services.providers.names()
    assert set(names) == {"omdb", "tmdb", "tvdb", "fanart", "images"}  # + the image hosts
    assert all(isinstance(name, str) and name for name in names.values())
    assert backend.reads == before
