"""Turn a source video, subtitles and brand kits into co-branded cuts (layout, fonts, text, encode)."""
