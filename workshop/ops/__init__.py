"""The write side: every op a client may send, and the one path that applies them.

    apply.py       apply_op: check the member and role, validate, run the handler, write the
                   event, commit, then publish (the only write path)
    registry.py    @op(...): an op type, its payload model, roles, prepare hook and aliases
    catalogue.py   the areas below, in one list: the registry apply.py and the API read
    context.py     what a handler gets (OpContext, Outcome) and the look-ups they share
    board.py  voting.py  facilitation.py  reconcile.py  membership.py  research.py
    documents.py   one module per area: each op's payload model and handler together

How to add an op: docs/adding-an-op.md.
"""
