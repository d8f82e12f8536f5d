"""Help › About: the version, the icon, and the credits the providers' terms ask for."""

from metarr_desktop.ui.about.dialog import AboutDialog
from metarr_desktop.ui.about.presenter import CREDITS
from metarr_desktop.ui.about.presenter import TMDB_NOTICE
from metarr_desktop.ui.about.presenter import AboutInfo
from metarr_desktop.ui.about.presenter import ProviderCredit
from metarr_desktop.ui.about.presenter import about_info

__all__ = ["CREDITS", "TMDB_NOTICE", "AboutDialog", "AboutInfo", "ProviderCredit", "about_info"]
