"""The review screen: the gold in the rows view, the places of disagreement, agreement."""
