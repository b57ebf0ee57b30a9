"""Pictures: the encoding and markup of every photo and drawing, with no Pelican in sight."""

# Encoded pictures are written here in output/, named by content hash: images/<hash>-960.webp
OUTPUT_FOLDER = "images"
