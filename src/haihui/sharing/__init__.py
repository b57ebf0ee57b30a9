"""Share and print: the addresses a QR code may carry, QR codes, and the share images.

Plain functions over plain data (no Pelican objects); `plugins/haihui_sharing`
hands them the pages of a build and writes what they return.

- `addresses.py`: the page's public address with a source tag (`?src=poster`),
  only for a page the build publishes; a mainland code never leads to Stripe.
- `qr.py`: QR codes with segno, as inline SVG (print pages) or a Pillow image
  (posters).
- `fonts.py`: the CJK-capable font the images are drawn with, and which
  characters of a text it lacks (they would be drawn as empty boxes).
- `compose.py`: the Open Graph image (1200 x 630) and the WeChat poster
  (1080 x 1920), JPEG without metadata, within their size budgets.
- `cache.py`: the drawn images, cached by a hash of everything they are drawn
  from (beside the picture cache, outside output/).
"""
