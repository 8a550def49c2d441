"""Built-in templates of digest (email, PDF); a workspace templates/ folder overrides them."""
