"""The read side: what a member sees, never a change; the write side never imports it."""
