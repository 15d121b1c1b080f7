"""Colour arithmetic for WCAG contrast (relative luminance, WCAG 2.1 §1.4.3)."""

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on_white(colour: str, ratio: float = 4.5) -> bool:
    """White text on ``colour`` (and ``colour`` text on white) meets WCAG AA."""
    return bool(HEX.match(colour or "")) and contrast(colour, "#ffffff") >= ratio


def darker(colour: str, factor: float = 0.75) -> str:
    r, g, b = (int(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"
