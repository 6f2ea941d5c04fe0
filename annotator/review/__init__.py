"""Review: agreement between layers, merging them into the gold, and adjudication."""
