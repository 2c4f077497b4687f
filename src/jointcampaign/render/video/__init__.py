"""Moving pictures: decode a source once into yuv420p frames, reframe them per aspect, encode cuts, and
budget the memory a render pass takes."""
