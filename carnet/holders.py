"""The map of data holders, drawn as SVG from the inventory.

A tree read left to right: the data of Annecy, then each organisation,
the service inside it, and the data sets it holds. Only organisations and
services are named, never persons. The drawing is plain SVG computed here
(a layered tree: leaves stacked, each parent centred on its children), so
rendering needs no program outside Python and no network.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field

import pandas as pd

from carnet.inventory import Inventory

ROOT_LABEL = "Données de la ville d'Annecy"
BOX_WIDTH = 150
WRAP_CHARS = 22
LINE_HEIGHT = 15
BOX_PADDING = 8
COLUMN_GAP = 30
ROW_GAP = 10
MARGIN = 10
LEGEND_HEIGHT = 30
DECISION_COLOURS = {
    "ouvert": "#2e7d32",
    "non ouvert": "#b71c1c",
    "abandonné": "#757575",
}
LEVEL_FILLS = ["#1565c0", "#e3f2fd", "#fff8e1", "#ffffff"]


@dataclass
class Node:
    """A box of the tree: its label, children and computed place."""

    label: str
    depth: int
    decision: str | None = None
    children: list["Node"] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0

    def lines(self) -> list[str]:
        return textwrap.wrap(self.label, WRAP_CHARS) or [""]

    @property
    def height(self) -> float:
        return len(self.lines()) * LINE_HEIGHT + 2 * BOX_PADDING

    def child(self, label: str) -> "Node":
        for existing in self.children:
            if existing.label == label:
                return existing
        node = Node(label, self.depth + 1)
        self.children.append(node)
        return node


def build_tree(inventory: Inventory) -> tuple[Node, list[str]]:
    """The tree of holders; also the data sets that name no holder."""
    root = Node(ROOT_LABEL, 0)
    unnamed = []
    for dataset in inventory.datasets:
        if not dataset.detenteur:
            unnamed.append(dataset.jeu)
            continue
        parent = root
        for level in dataset.detenteur:
            parent = parent.child(level)
        leaf = parent.child(dataset.jeu)
        leaf.decision = dataset.decision
    return root, unnamed


def holder_edges(inventory: Inventory) -> pd.DataFrame:
    """Who holds what, as a table (the text version of the diagram)."""
    rows = [
        {"Organisation": d.detenteur[0],
         "Service": " – ".join(d.detenteur[1:]) or "",
         "Jeu de données": d.jeu,
         "Décision": d.decision}
        for d in inventory.datasets if d.detenteur
    ]
    return pd.DataFrame(rows)


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def layout(root: Node) -> tuple[float, float]:
    """Place every node; return the drawing's width and height."""
    next_top = [MARGIN + LEGEND_HEIGHT]

    def place(node: Node) -> None:
        node.x = MARGIN + node.depth * (BOX_WIDTH + COLUMN_GAP)
        if not node.children:
            node.y = next_top[0] + node.height / 2
            next_top[0] += node.height + ROW_GAP
            return
        for child in node.children:
            place(child)
        node.y = (node.children[0].y + node.children[-1].y) / 2

    place(root)
    depth = max(n.depth for n in _walk(root))
    width = 2 * MARGIN + (depth + 1) * BOX_WIDTH + depth * COLUMN_GAP
    return width, next_top[0] - ROW_GAP + MARGIN


def _box(node: Node) -> str:
    top = node.y - node.height / 2
    fill = LEVEL_FILLS[min(node.depth, len(LEVEL_FILLS) - 1)]
    text_colour = "#ffffff" if node.depth == 0 else "#1a1a1a"
    stroke = DECISION_COLOURS.get(node.decision, "#5f6b7a")
    stroke_width = 2.5 if node.decision else 1
    parts = [
        f'<rect x="{node.x:.1f}" y="{top:.1f}" width="{BOX_WIDTH}" '
        f'height="{node.height:.1f}" rx="8" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{stroke_width}"/>'
    ]
    for number, line in enumerate(node.lines()):
        baseline = top + BOX_PADDING + (number + 0.8) * LINE_HEIGHT
        parts.append(
            f'<text x="{node.x + BOX_WIDTH / 2:.1f}" y="{baseline:.1f}" '
            f'text-anchor="middle" fill="{text_colour}">'
            f"{html.escape(line)}</text>"
        )
    return "".join(parts)


def _link(parent: Node, child: Node) -> str:
    start_x, end_x = parent.x + BOX_WIDTH, child.x
    middle = (start_x + end_x) / 2
    return (
        f'<path d="M{start_x:.1f},{parent.y:.1f} C{middle:.1f},'
        f'{parent.y:.1f} {middle:.1f},{child.y:.1f} {end_x:.1f},'
        f'{child.y:.1f}" fill="none" stroke="#8a96a3"/>'
    )


def _legend() -> str:
    items, x = [], MARGIN
    for decision, colour in DECISION_COLOURS.items():
        items.append(
            f'<rect x="{x}" y="{MARGIN}" width="18" height="12" rx="3" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="2.5"/>'
            f'<text x="{x + 24}" y="{MARGIN + 11}">jeu {decision}</text>'
        )
        x += 140
    return "".join(items)


def holders_svg(inventory: Inventory, title: str = "Qui détient quoi"
                ) -> str:
    """The diagram as a standalone SVG document."""
    root, _ = build_tree(inventory)
    width, height = layout(root)
    nodes = list(_walk(root))
    links = [_link(n, c) for n in nodes for c in n.children]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'style="min-width:600px;max-width:{width:.0f}px;height:auto" '
        f'font-family="sans-serif" font-size="12">'
        f"<title>{html.escape(title)}</title>"
        + _legend() + "".join(links) + "".join(_box(n) for n in nodes)
        + "</svg>"
    )
