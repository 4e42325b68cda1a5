"""Names across scripts: parsing, comparison keys, a scorer with explanations. Pure Python, no Django."""
