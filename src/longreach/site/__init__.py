"""The top floor: home page, navigation, URLs, the demo and the commands that run the whole site."""
