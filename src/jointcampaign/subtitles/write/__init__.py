"""Writing SRT, WebVTT and ASS."""
