"""The window: Qt widgets, item models and dialogs (the only package that imports Qt, with app.py)."""
