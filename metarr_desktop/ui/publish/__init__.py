"""The window's library-files screens: the movie page's Files tab, the "Library files" settings
page, the first-run question and the "Write Files" job for a library selection."""
