"""Text primitives shared by every stage: normalising, tokens, hashes."""
