"""What Metarr Desktop ships besides code: the application icon and the providers' attribution marks.

This folder is installed as the package ``metarr_desktop.resources`` (setup.py maps it), so that
`pip install .`, an editable install and the PyInstaller bundle all carry it; the code reaches it
through `metarr_desktop.bundled`. It holds no code.
"""
