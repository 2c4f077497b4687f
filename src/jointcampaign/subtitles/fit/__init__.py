"""Fitting translated text into cues: sentences, line breaks, reading windows and re-timing."""
