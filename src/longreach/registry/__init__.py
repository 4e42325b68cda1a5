"""The registry: cases, incidents and acts ("who did what to whom").

So far it holds only the pure value types the models will use; the models,
services and views come with the registry issue.
"""
