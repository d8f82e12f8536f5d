"""The Players page (add, edit, remove, test a media player; its sync state; the mapping tester)
and the movie page's per-player sync widget."""
