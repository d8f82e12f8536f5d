"""The preview of a refresh: one movie's change set (old → new, source, new artwork as thumbnails)
to accept whole, per field, or discard; and the summary of a preview of many movies."""
