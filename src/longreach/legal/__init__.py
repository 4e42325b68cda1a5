"""Legal defence: red notices, diffusions, passport listings, extradition and deportation matters."""
