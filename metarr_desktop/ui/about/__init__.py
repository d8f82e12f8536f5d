"""Help › About: the version, the icon, and the credits the providers' terms ask for."""

from metarr_desktop.ui.about.dialog import AboutDialog
from metarr_desktop.ui.about.presenter import CREDITS, TMDB_NOTICE, AboutInfo, ProviderCredit, about_info

__all__ = ["CREDITS", "TMDB_NOTICE", "AboutDialog", "AboutInfo", "ProviderCredit", "about_info"]
