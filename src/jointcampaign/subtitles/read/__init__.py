"""Reading subtitle files: sniffing the format and text encoding, then SRT, WebVTT and ASS parsers with
one kind of finding."""
