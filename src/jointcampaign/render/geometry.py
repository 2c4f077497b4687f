"""Rectangles in pixels and margins in fractions of a frame: the shapes every layout step shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def describe(self) -> str:
        """For messages: position and size in pixels, as image editors show them."""
        return f"{self.width}x{self.height} at ({self.x}, {self.y})"


@dataclass(frozen=True)
class Insets:
    """Fractions of the frame kept clear of text and logos (TV overscan, app buttons, captions)."""

    top: float
    right: float
    bottom: float
    left: float

    def union(self, other: Insets) -> Insets:
        """Clear of both: the wider margin on each side."""
        return Insets(
            max(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
            max(self.left, other.left),
        )

    def box_in(self, width: int, height: int) -> Box:
        """The region of a width × height frame inside these margins."""
        left, top = round(width * self.left), round(height * self.top)
        right, bottom = round(width * self.right), round(height * self.bottom)
        return Box(left, top, max(0, width - left - right), max(0, height - top - bottom))
