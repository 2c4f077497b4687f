"""Text on a cut: fonts per script, shaping and direction, line breaking into runs, drawing text into
images, and checking every glyph is covered."""
