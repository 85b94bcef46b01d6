"""Builds static/root/favicon.ico from the shapes of static/favicon.svg (run by hand
after changing the SVG: `.venv/bin/python assets/favicon.py`). Pillow only."""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE, WHITE, PALE = (29, 112, 184, 255), (255, 255, 255, 255), (210, 226, 241, 255)
SCALE = 8  # draw at 256 px, the SVG's 32-unit grid times 8


def icon() -> Image.Image:
    image = Image.new("RGBA", (32 * SCALE, 32 * SCALE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def s(*points: float) -> list[float]:
        return [p * SCALE for p in points]

    draw.rounded_rectangle(s(0, 0, 32, 32), radius=4 * SCALE, fill=BLUE)
    draw.polygon(s(9, 5, 19, 5, 24, 10, 24, 27, 9, 27), fill=WHITE)
    draw.polygon(s(19, 5, 24, 10, 19, 10), fill=PALE)
    for y, end in ((15, 21), (19, 21), (23, 18)):
        draw.rectangle(s(12, y - 1, end, y + 1), fill=BLUE)
    return image


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "static" / "root" / "favicon.ico"
    icon().save(out, sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"Wrote {out}")
