"""The diagram of data holders, drawn from the inventory."""

import xml.etree.ElementTree as ET

from carnet import holders
from carnet.inventory import load_inventory

SVG = "{http://www.w3.org/2000/svg}"


def test_diagram_is_valid_svg_with_every_holder_and_data_set():
    inventory = load_inventory()
    svg = holders.holders_svg(inventory)
    root = ET.fromstring(svg)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for dataset in inventory.datasets:
        if dataset.detenteur:
            assert dataset.detenteur[0].split()[0] in texts
            assert dataset.jeu.split()[0] in texts
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_tree_merges_shared_holders_and_sets_aside_unnamed():
    tree, unnamed = holders.build_tree(load_inventory())
    organisations = [child.label for child in tree.children]
    assert len(organisations) == len(set(organisations))
    assert "Mairie d'Annecy" in organisations
    assert "Plan local d'urbanisme (PLU)" in unnamed


def test_parents_sit_between_their_children_and_boxes_do_not_overlap():
    tree, _ = holders.build_tree(load_inventory())
    holders.layout(tree)
    nodes = list(holders._walk(tree))
    for node in nodes:
        if node.children:
            ys = [c.y for c in node.children]
            assert min(ys) <= node.y <= max(ys)
    by_column = {}
    for node in nodes:
        by_column.setdefault(node.x, []).append(node)
    for column in by_column.values():
        column.sort(key=lambda n: n.y)
        for upper, lower in zip(column, column[1:]):
            assert upper.y + upper.height / 2 <= lower.y - lower.height / 2


def test_edges_table_names_services_only():
    edges = holders.holder_edges(load_inventory())
    assert set(edges.columns) == {"Organisation", "Service",
                                  "Jeu de données", "Décision"}
    assert not edges["Service"].str.contains("Musson|Dupré").any()
