"""The provider settings dialog (document 5, UI 2): switch, API key, rate limit, quota, status, usage.

Opened with ``open()`` (window-modal, no nested event loop) and awaited through `dialog_result`.
Save and Test run as coroutines (`save`, `test_key`) behind thin ``@asyncSlot`` wrappers, so tests
await them directly. Every change goes through `ProviderConfigService.update`, the same call as
``metarr providers set``.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QDoubleSpinBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.resilience import POLICIES
from metarr_desktop.services import formatting
from metarr_desktop.services.config import UNSET
from metarr_desktop.services.config import ConfigError
from metarr_desktop.services.config import KeyCheck
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.config import ProviderView
from metarr_desktop.services.config import check_base_url
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.controls import STRETCH
from metarr_desktop.ui.common.controls import Gap
from metarr_desktop.ui.common.controls import lay_out
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.pages import title_label
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import status_colour
from metarr_desktop.ui.common.theme import status_pixmap
from metarr_desktop.ui.common.theme import warning_colour
from metarr_desktop.ui.context import UiContext


class ProviderSettingsDialog(QDialog):
    """Edit one provider's settings.

    Attributes:
        provider_id: the provider edited.
        view: its configuration as loaded (never contains the key).
        saved_view: the configuration after a successful save, else None.
        last_check: the outcome of the last Test, else None.

    Signals:
        saved(ProviderView): the change was stored and applied.
        keyChecked(KeyCheck): a Test finished.
    """

    saved = Signal(object)
    keyChecked = Signal(object)

    def __init__(self, ctx: UiContext, provider_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.provider_id = provider_id
        self.view: ProviderView = ctx.providers.get(provider_id)
        self.saved_view: ProviderView | None = None
        self.last_check: KeyCheck | None = None
        spec = self.view.spec
        self.setWindowTitle(f"{spec.name} settings")
        self.setObjectName(f"provider-settings-{provider_id}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)

        heading = title_label(f"{spec.name} configuration", 1.3)

        self.enabled = QCheckBox("Ask this provider when fetching metadata")
        self.enabled.setChecked(self.view.config.enabled)

        # -- API key ---------------------------------------------------------------------------------
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setAccessibleName("API key")
        if self.view.has_api_key:
            self.api_key.setPlaceholderText("a key is stored; type a new one to replace it")
        elif spec.needs_api_key:
            self.api_key.setPlaceholderText("required: paste your API key")
        else:
            self.api_key.setPlaceholderText("not needed by this provider")
        self.show_key = QToolButton()
        self.show_key.setText("Show")
        self.show_key.setCheckable(True)
        self.show_key.setToolTip("Show or hide the key you are typing")
        self.show_key.toggled.connect(self._toggle_key_visible)
        self.test_button = QPushButton("Test")
        self.test_button.setToolTip("Check the key with one real request")
        self.test_button.clicked.connect(self._on_test_clicked)
        self.clear_key = QCheckBox("Remove the stored key")
        self.clear_key.setVisible(self.view.has_api_key)
        self.test_result = wrapped_label("test-result")
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        key_row.addWidget(self.show_key)
        key_row.addWidget(self.test_button)
        self.api_key.textChanged.connect(self._validate)
        self.clear_key.toggled.connect(self._validate)

        rate_row, quota_row = self._build_limits()
        defaults = []
        if spec.default_rate_limit:
            defaults.append(
                f"{spec.default_rate_limit.requests} per {spec.default_rate_limit.window_seconds:g} s"
            )
        if spec.default_daily_quota:
            defaults.append(f"{spec.default_daily_quota:,} a day")
        self.defaults_hint = QLabel(
            f"Defaults for {spec.name}: {', '.join(defaults)}" if defaults else "No default limits."
        )
        self.defaults_hint.setForegroundRole(self.defaults_hint.foregroundRole())
        self.defaults_hint.setEnabled(False)

        # -- advanced ---------------------------------------------------------------------------------
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText("Advanced")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced = QWidget()
        self.base_url = QLineEdit(self.view.config.base_url)
        self.base_url.setAccessibleName("Base URL")
        self.base_url.setPlaceholderText(spec.default_base_url)
        reset_url = QPushButton("Default")
        reset_url.setToolTip(spec.default_base_url)
        reset_url.clicked.connect(lambda: self.base_url.setText(spec.default_base_url))
        url_row = QHBoxLayout()
        url_row.addWidget(self.base_url, 1)
        url_row.addWidget(reset_url)
        advanced_form = QFormLayout(self.advanced)
        advanced_form.setContentsMargins(18, 0, 0, 0)
        advanced_form.addRow("Base URL", url_row)
        # Each provider's time budget per priority (its retries included); 0 keeps the default.
        self.user_timeout = _timeout_box("User timeout", self.view.config.user_timeout_s, Priority.USER)
        self.background_timeout = _timeout_box(
            "Background timeout", self.view.config.background_timeout_s, Priority.BACKGROUND
        )
        advanced_form.addRow("User timeout", self.user_timeout)
        advanced_form.addRow("Background timeout", self.background_timeout)
        self.advanced.setVisible(False)
        self.advanced_toggle.toggled.connect(self._toggle_advanced)
        self.base_url.textChanged.connect(self._validate)

        # -- status and usage ---------------------------------------------------------------------------
        status_box = QGroupBox("Current status")
        self.status_icon = QLabel()
        self.status_text = plain_label(QLabel())
        self.resets_text = QLabel()
        self.usage_bar = QProgressBar()
        self.usage_bar.setAccessibleName("Usage today")
        self.usage_bar.setTextVisible(True)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_icon)
        status_row.addWidget(self.status_text)
        status_row.addStretch(1)
        status_row.addWidget(self.resets_text)
        status_layout = QFormLayout(status_box)
        status_layout.addRow("Status", status_row)
        status_layout.addRow("Usage today", self.usage_bar)

        self.problems = wrapped_label("problems")
        self.problems.setStyleSheet(f"color: {error_colour(self.palette()).name()};")
        self.problems.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_clicked)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Enabled", self.enabled)
        form.addRow("API key", key_row)
        form.addRow("", self.clear_key)
        form.addRow(self.test_result)
        form.addRow("Rate limiting", rate_row)
        form.addRow("", quota_row)
        form.addRow("", self.defaults_hint)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.advanced_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced)
        layout.addWidget(status_box)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

        toggle = QAction(self)
        toggle.setShortcut(shortcuts.TEST_KEY.sequence())
        toggle.triggered.connect(self._on_test_clicked)
        self.addAction(toggle)

        self._unsubscribe = ctx.pool.subscribe(self._on_health)
        self.finished.connect(lambda _code: self._unsubscribe())
        self._sync_enabled_inputs()
        self.show_health(self._current_health())
        self._validate()

    def _build_limits(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The rate limit and the daily quota, each a switch before its numbers (the provider's
        defaults shown while it has none of its own)."""
        config, spec = self.view.config, self.view.spec
        rate = config.rate_limit or spec.default_rate_limit
        self.paced = QCheckBox("Limit the request rate")
        self.paced.setChecked(config.rate_limit is not None)
        self.rate_requests = _count_box("Requests", 100_000, rate.requests if rate else 10)
        self.rate_window = _count_box(
            "Per seconds", 86_400, max(1, round(rate.window_seconds)) if rate else 1, " s"
        )
        rate_row = lay_out(
            QHBoxLayout(),
            self.paced,
            Gap(12),
            self.rate_requests,
            QLabel("requests per"),
            self.rate_window,
            STRETCH,
        )
        self.paced.toggled.connect(self._sync_enabled_inputs)

        quota = config.daily_quota or spec.default_daily_quota
        self.has_quota = QCheckBox("Daily quota")
        self.has_quota.setChecked(config.daily_quota is not None)
        self.quota = _count_box("Daily quota", 100_000_000, quota or 1000, " requests")
        self.quota.setGroupSeparatorShown(True)
        quota_row = lay_out(QHBoxLayout(), self.has_quota, Gap(12), self.quota, STRETCH)
        self.has_quota.toggled.connect(self._sync_enabled_inputs)
        return rate_row, quota_row

    # -- health ------------------------------------------------------------------------------------

    def _current_health(self) -> ProviderHealth | None:
        if self.provider_id in self.ctx.pool:
            return self.ctx.pool.get(self.provider_id).health_snapshot()
        for health in self.ctx.providers.health():
            if health.id == self.provider_id:
                return health
        return None

    def _on_health(self, health: ProviderHealth) -> None:
        if health.id == self.provider_id:
            self.show_health(health)

    def show_health(self, health: ProviderHealth | None) -> None:
        if health is None:
            self.status_text.setText("not running")
            self.usage_bar.setRange(0, 1)
            self.usage_bar.setValue(0)
            self.usage_bar.setFormat("no requests yet")
            return
        status = formatting.display_status(health)
        palette = self.palette()
        self.status_icon.setPixmap(status_pixmap(status, 18, palette))
        self.status_text.setText(status.label)
        self.status_text.setStyleSheet(f"color: {status_colour(status, palette).name()}; font-weight: bold;")
        until = health.rate_limited_until
        if until is not None:
            local = until.astimezone().strftime("%Y-%m-%d %H:%M")
            now = self.ctx.clock.now()
            self.resets_text.setText(f"Resets at {local} (in {formatting.resets_in(until, now)})")
        elif status is DisplayStatus.AUTO_DISABLED and health.probe_in_s is not None:
            self.resets_text.setText(f"Next probe in {formatting.duration(health.probe_in_s)}")
        else:
            self.resets_text.setText("")
        quota = health.daily_quota
        # Without a daily quota there is no share of it to draw: the bar stays empty and says so.
        self.usage_bar.setRange(0, quota or 1)
        self.usage_bar.setValue(min(health.requests_today, quota) if quota else 0)
        self.usage_bar.setFormat(formatting.usage(health.requests_today, health.daily_quota))

    # -- inputs ------------------------------------------------------------------------------------

    def _toggle_key_visible(self, shown: bool) -> None:
        self.api_key.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_key.setText("Hide" if shown else "Show")

    def _toggle_advanced(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.adjustSize()

    def _sync_enabled_inputs(self) -> None:
        self.rate_requests.setEnabled(self.paced.isChecked())
        self.rate_window.setEnabled(self.paced.isChecked())
        self.quota.setEnabled(self.has_quota.isChecked())

    def problems_found(self) -> list[str]:
        """What stops a save, as sentences (shown inline under the form)."""
        problems: list[str] = []
        key = self.api_key.text()
        if key and (key != key.strip() or any(c.isspace() for c in key)):
            problems.append("The API key must not contain spaces.")
        if key and self.clear_key.isChecked():
            problems.append("Type a new key or remove the stored one, not both.")
        url = self.base_url.text().strip()
        if not url:
            problems.append("The base URL is empty (use Default to restore it).")
        elif (reason := check_base_url(url)) is not None:
            problems.append(reason[0].upper() + reason[1:] + ".")
        return problems

    def _validate(self) -> bool:
        problems = self.problems_found()
        self._show_problems(problems)
        self.save_button.setEnabled(not problems)
        return not problems

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    def update_request(self) -> ProviderUpdate:
        """The change the form describes (only what differs from the stored configuration)."""
        config = self.view.config
        enabled = self.enabled.isChecked()
        rate = (
            RateLimit(self.rate_requests.value(), float(self.rate_window.value()))
            if self.paced.isChecked()
            else None
        )
        quota = self.quota.value() if self.has_quota.isChecked() else None
        url = self.base_url.text().strip().rstrip("/")
        key = self.api_key.text()
        user_timeout = self.user_timeout.value() or None
        background_timeout = self.background_timeout.value() or None
        return ProviderUpdate(
            user_timeout_s=user_timeout if user_timeout != config.user_timeout_s else UNSET,
            background_timeout_s=background_timeout
            if background_timeout != config.background_timeout_s
            else UNSET,
            enabled=enabled if enabled != config.enabled else UNSET,
            api_key=key if key else UNSET,
            clear_api_key=self.clear_key.isChecked() and not key,
            base_url=url if url != config.base_url else UNSET,
            rate_limit=rate if rate != config.rate_limit else UNSET,
            daily_quota=quota if quota != config.daily_quota else UNSET,
        )

    # -- actions -----------------------------------------------------------------------------------

    @async_slot()
    async def _on_save_clicked(self) -> None:
        await self.save()

    async def save(self) -> bool:
        """Store and apply the change; accept the dialog on success, show the problems otherwise."""
        if not self._validate():
            return False
        self.save_button.setEnabled(False)
        try:
            view = await self.ctx.providers.update(self.provider_id, self.update_request())
        except ConfigError as exc:
            self._show_problems([p[0].upper() + p[1:] + "." for p in exc.problems])
            self.save_button.setEnabled(True)
            return False
        except OSError as exc:  # the keyring or the database failed: tell the user, keep the form
            if isinstance(exc, StoreError) and exc.is_bug:
                raise  # this program's bug, not the machine's: the crash report shows it
            self._show_problems([f"Could not save: {exc}"])
            self.save_button.setEnabled(True)
            return False
        self.saved_view = view
        self.saved.emit(view)
        self.accept()
        return True

    @async_slot()
    async def _on_test_clicked(self) -> None:
        await self.test_key()

    async def test_key(self) -> KeyCheck:
        """Check the key with one real request: the one typed (with the address typed) when either
        differs from what is stored, else the stored one. The outcome is shown next to the key."""
        typed = self.api_key.text().strip()
        url = self.base_url.text().strip().rstrip("/")
        unsaved = bool(typed) or url != self.view.config.base_url
        self.test_button.setEnabled(False)
        self._show_check(None, "Checking…")
        try:
            if unsaved:
                check = await self.ctx.providers.test_key(
                    self.provider_id, api_key=typed or None, base_url=url
                )
            else:
                check = await self.ctx.providers.test_key(self.provider_id)
        finally:
            self.test_button.setEnabled(True)
        self.last_check = check
        self._show_check(check.valid, check.message)
        self.keyChecked.emit(check)
        return check

    def _show_check(self, valid: bool | None, message: str) -> None:
        palette = self.palette()
        if message == "Checking…":
            self.test_result.setStyleSheet("")
            self.test_result.setText(message)
            return
        if valid is True:
            colour, text = status_colour(DisplayStatus.HEALTHY, palette), f"✓ Valid: {message}"
        elif valid is False:
            colour, text = error_colour(palette), f"✗ Invalid key: {message}"
        else:
            colour, text = warning_colour(palette), f"⚠ Not checked: {message}"
        self.test_result.setStyleSheet(f"color: {colour.name()};")
        self.test_result.setText(text)
        self.adjustSize()

    def now(self) -> datetime:
        return self.ctx.clock.now()


def _count_box(name: str, maximum: int, value: int, suffix: str = "") -> QSpinBox:
    """A count from 1 to `maximum` (requests, seconds), named `name` for screen readers."""
    box = QSpinBox()
    box.setRange(1, maximum)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setAccessibleName(name)
    return box


def _timeout_box(name: str, value: float | None, priority: Priority) -> QDoubleSpinBox:
    """Seconds a provider may take at `priority` (retries included); 0 shows and keeps the default."""
    box = QDoubleSpinBox()
    box.setRange(0.0, 600.0)
    box.setDecimals(1)
    box.setSingleStep(1.0)
    box.setSuffix(" s")
    default = POLICIES[priority].timeout_s
    box.setSpecialValueText(f"default ({default:g} s)")
    box.setValue(value or 0.0)
    box.setAccessibleName(name)
    box.setToolTip(f"How long this provider may take for one {priority.value} request, retries included")
    return box
