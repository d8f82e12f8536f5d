""" "Undo this refresh" on the movie page's History tab."""
