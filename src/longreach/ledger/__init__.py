"""Append-only Merkle log in the style of RFC 9162 (Certificate Transparency 2.0).

Pure Python, no Django: ``merkle`` holds hashing, the tree and its proofs,
``heads`` signs and checks tree heads with Ed25519. The audit trail and the
evidence vault store their entries through it.
"""
