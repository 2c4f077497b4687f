"""What goes where on a frame: the layout per aspect, platform safe zones, logos and burned subtitles,
the end card and its QR code, the DRAFT mark, and the zone previews."""
