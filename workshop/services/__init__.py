"""Use cases: load, apply the domain rules, write with the event, commit, then publish."""
