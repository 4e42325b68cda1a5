"""The evidence vault (issue 5). Pure modules first: ``package`` checks evidence packages offline."""
