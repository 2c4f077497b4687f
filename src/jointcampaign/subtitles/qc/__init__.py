"""Quality checks: reading speed, line length and the rules of the subtitles check."""
