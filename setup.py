"""Only what pyproject.toml cannot say: the top-level ``resources/`` folder is installed as the
package ``metarr_desktop.resources`` (a package mapped to a folder outside its parent's, while the
others are still discovered). Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["metarr_desktop", "metarr_desktop.*"]), "metarr_desktop.resources"],
    package_dir={"metarr_desktop.resources": "resources"},
)
